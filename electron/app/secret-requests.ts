/**
 * The PIN dialog's main-process half, in plain Node: the app context's PIN provider sends a
 * SecretRequest to the renderer (main: webContents.send; e2e: the bridge) and waits for the answer
 * on the channel `secret:answer`. A request is answered once; its PIN is handed to the token
 * operation that asked and kept nowhere here. No window to ask, a cancel, a closed window or no
 * answer within the time limit: the provider answers "nothing", and the operation stops unchanged.
 */
import { randomBytes } from 'node:crypto';
import { secretRequestSchema, type SecretRequestView } from '../../shared/ipc/secrets-contract.js';
import type { PinProvider, PinRequest } from '../core/signing/token/tokens.js';

/** Delivers a request to the renderer; false when no window can show it. */
export type SecretRequestSender = (request: SecretRequestView) => boolean;

export class SecretRequests {
  private readonly pending = new Map<string, (pin: string | undefined) => void>();

  constructor(
    private send: SecretRequestSender | undefined,
    /** How long a dialog may stay open unanswered. */
    private readonly timeoutMs = 10 * 60_000,
  ) {}

  /** Sets who shows the dialog (the e2e bridge connects after the handlers exist). */
  connect(send: SecretRequestSender | undefined): void {
    this.send = send;
  }

  /** Whether some window can be asked (else the PIN provider is not offered at all). */
  get available(): boolean {
    return this.send !== undefined;
  }

  /** Asks the renderer; resolves with the PIN, or undefined (cancelled, no window, timed out). */
  ask(question: Omit<SecretRequestView, 'id'>): Promise<string | undefined> {
    if (!this.send) return Promise.resolve(undefined);
    const id = randomBytes(16).toString('hex');
    const request = secretRequestSchema.parse({ ...question, id });
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.answer(id, undefined), this.timeoutMs);
      timer.unref?.();
      this.pending.set(id, (pin) => {
        clearTimeout(timer);
        resolve(pin);
      });
      let delivered = false;
      try {
        delivered = this.send!(request);
      } catch {
        delivered = false;
      }
      if (!delivered) this.answer(id, undefined);
    });
  }

  /** The dialog's answer; false when no such request is waiting (answered already, or never asked). */
  answer(id: string, pin: string | undefined): boolean {
    const done = this.pending.get(id);
    if (!done) return false;
    this.pending.delete(id);
    done(pin);
    return true;
  }

  /** Cancels every open question (the window closed). */
  cancelAll(): void {
    for (const id of [...this.pending.keys()]) this.answer(id, undefined);
  }

  /** The app context's PIN provider: each PIN question becomes one dialog. */
  pinProvider(): PinProvider {
    return (r: PinRequest) =>
      this.ask({
        kind: r.as === 'so' ? 'so-pin' : 'pin',
        device: { label: r.token, ...(r.serial ? { serial: r.serial } : {}), module: r.module ?? '' },
        ...(r.keyId ? { keyId: r.keyId } : {}),
        reason: r.summary,
        state: r.state ?? 'unknown',
        managementKey: r.managementKey ?? false,
        ...(r.minLength !== undefined ? { minLength: r.minLength } : {}),
        ...(r.maxLength !== undefined ? { maxLength: r.maxLength } : {}),
      });
  }
}
