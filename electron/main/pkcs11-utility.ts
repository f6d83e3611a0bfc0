/**
 * The PKCS#11 worker as an Electron utilityProcess (a Node child of the app, no renderer access): a
 * vendor module that crashes or hangs ends that process only; the client (core/pkcs11/client.ts)
 * reports it and starts a new one for the next request.
 */
import { utilityProcess } from 'electron';
import { defaultWorkerPath, workerEnv, type TransportFactory, type WorkerTransport } from '../core/signing/token/client.js';

export function utilityTransport(env: NodeJS.ProcessEnv = process.env): TransportFactory {
  return () => {
    const child = utilityProcess.fork(defaultWorkerPath(env), [], { serviceName: 'TrustDesk PKCS#11', stdio: 'ignore', env: workerEnv(env) });
    const exits: ((why: string) => void)[] = [];
    let gone = false;
    child.on('exit', (code) => {
      if (gone) return;
      gone = true;
      for (const fn of exits) fn(`exited with code ${code}`);
    });
    const t: WorkerTransport = {
      send: (msg) => {
        if (!gone) child.postMessage(msg);
      },
      onMessage: (fn) => child.on('message', fn),
      onExit: (fn) => exits.push(fn),
      kill: () => {
        child.kill();
      },
      get pid() {
        return child.pid;
      },
    };
    return t;
  };
}
