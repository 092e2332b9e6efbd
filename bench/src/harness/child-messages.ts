import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';

/**
 * Resolves with the next IPC message of `child` that `accepts` (any message when omitted).
 * Rejects when the child exits first or after `timeoutMs`, naming `description` (the process).
 */
export function nextMessage<M>(
  child: ChildProcess,
  description: string,
  timeoutMs: number,
  accepts: (message: unknown) => boolean = () => true,
): Promise<M> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => finish(new Error(`no answer from ${description} within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const onMessage = (message: unknown): void => {
      if (accepts(message)) finish(undefined, message as M);
    };
    const onExit = (code: number | null): void => finish(new Error(`${description} exited (code ${code})`));
    const finish = (error: Error | undefined, message?: M): void => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (error !== undefined) reject(error);
      else resolve(message!);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

/** Ends a bench child: disconnects its IPC channel (it exits), SIGKILL after 5 s. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  if (child.connected) child.disconnect();
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}
