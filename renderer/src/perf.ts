/** User-timing marks (shared/perf-marks.ts): cheap, and read only by the e2e bench. */
import { useEffect } from 'react';

export function mark(name: string): void {
  performance.mark(name);
}

/**
 * Marks `name` once the frame showing the current commit has been painted: requestAnimationFrame
 * runs just before that frame's style, layout and paint; a message posted from it runs after them.
 */
export function markAfterPaint(name: string): void {
  requestAnimationFrame(() => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      mark(name);
    };
    channel.port2.postMessage(null);
  });
}

/** `markAfterPaint(name)` after the first commit in which `ready` is true (once per mount). */
export function usePaintMark(name: string, ready: boolean): void {
  useEffect(() => {
    if (ready) markAfterPaint(name);
  }, [name, ready]);
}
