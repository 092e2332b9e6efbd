import { isMainThread, MessageChannel, type MessagePort, parentPort } from 'node:worker_threads';
import { MESSAGE_MARKER, PROTOCOL_VERSION } from '../protocol/cluster-message.js';

/**
 * WorkerChannel is how a ClusterWorker talks to its aggregator. The built-in channels cover
 * `node:cluster` (and PM2, child processes with IPC) and `worker_threads`; any transport can be
 * plugged in by implementing these two methods.
 */
export interface WorkerChannel {
  /** Hands `message` to the transport. Returns false when it cannot (channel closed). Must not throw. */
  send(message: unknown): boolean;
  /** Calls `listener` for every message from the aggregator; returns a function that stops listening. */
  onMessage(listener: (message: unknown) => void): () => void;
}

/**
 * The IPC channel of this process (`process.send` / `process.on('message')`): a `node:cluster`
 * or PM2 cluster worker, or a child process forked with an IPC channel. Undefined when the
 * process has none. Listening does not keep the process alive when no one else listens.
 */
export function processChannel(): WorkerChannel | undefined {
  if (typeof process.send !== 'function') return undefined;
  return {
    send(message: unknown): boolean {
      if (typeof process.send !== 'function' || process.connected === false) return false;
      try {
        // The callback keeps a failed send from becoming an 'error' event (an uncaught exception).
        process.send(message, undefined, {}, () => {});
        return true;
      } catch {
        return false;
      }
    },
    onMessage(listener: (message: unknown) => void): () => void {
      const handler = (message: unknown): void => listener(message);
      process.on('message', handler);
      // Adding a 'message' listener refs the IPC channel; ours alone must not keep the worker alive.
      if (process.listenerCount('message') === 1) unrefChannel();
      return (): void => {
        process.off('message', handler);
      };
    },
  };
}

function unrefChannel(): void {
  (process as { channel?: { unref?: () => void } }).channel?.unref?.();
}

/**
 * A channel over a MessagePort (both ends of a `MessageChannel`, or a port you created). The
 * port is unref'd: it never keeps the thread alive.
 */
export function portChannel(port: MessagePort): WorkerChannel {
  return {
    send(message: unknown): boolean {
      try {
        port.postMessage(message);
        return true;
      } catch {
        return false;
      }
    },
    onMessage(listener: (message: unknown) => void): () => void {
      const handler = (message: unknown): void => listener(message);
      port.on('message', handler);
      port.unref();
      return (): void => {
        port.off('message', handler);
      };
    },
  };
}

/**
 * The channel of a worker thread: a new MessageChannel whose far end is handed to the parent
 * once, through `parentPort` (the aggregator's `attachThread(worker)` picks it up). Undefined on
 * the main thread.
 */
export function threadChannel(): WorkerChannel | undefined {
  if (isMainThread || parentPort === null) return undefined;
  const { port1, port2 } = new MessageChannel();
  parentPort.postMessage(
    { servermetrics: MESSAGE_MARKER, version: PROTOCOL_VERSION, kind: 'connect', port: port2 },
    [port2],
  );
  return portChannel(port1);
}

/** The channel a ClusterWorker uses by default: a worker thread's, else the process's IPC, else none. */
export function defaultWorkerChannel(): WorkerChannel | undefined {
  return threadChannel() ?? processChannel();
}
