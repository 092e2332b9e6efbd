import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { waitFor } from '../wait-for.js';
import { type ReceivedDatagrams, receivedDatagrams } from './received-datagrams.js';

/** UnixDatagramListener is a Unix datagram socket (as the Datadog Agent's) that records every datagram. */
export interface UnixDatagramListener extends ReceivedDatagrams {
  /** Path of the socket. */
  readonly path: string;
  close(): Promise<void>;
}

// An independent receiver: Python's socket module, not the native module the exporter sends with.
const RECEIVER = `
import json, os, socket, sys
path = sys.argv[1]
if os.path.exists(path): os.unlink(path)
receiver = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
receiver.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 * 1024 * 1024)
receiver.bind(path)
print(json.dumps("ready"), flush=True)
while True:
    print(json.dumps(receiver.recv(65536).decode("utf-8")), flush=True)
`;

/**
 * Binds a Unix datagram socket at `path` (default: a new file in a temporary directory), served
 * by a `python3` child process, and resolves once it receives. `close()` stops it and removes
 * the socket file (and the temporary directory it made), so senders then get an error, as when
 * the Agent is down. A missing `/usr/bin/python3` rejects with a message that says so.
 */
export async function startUnixDatagramListener(path?: string): Promise<UnixDatagramListener> {
  const directory = path === undefined ? mkdtempSync(join(tmpdir(), 'servermetrics-uds-')) : undefined;
  const socketPath = path ?? join(directory!, 'dsd.socket');
  // A listener started again at the path of one that was closed: its directory is gone.
  mkdirSync(dirname(socketPath), { recursive: true });
  const packets: string[] = [];
  const child: ChildProcess = spawn('/usr/bin/python3', ['-c', RECEIVER, socketPath], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let ready = false;
  let failure: Error | undefined;
  child.once('error', (error) => {
    failure = error;
  });
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const text = JSON.parse(line) as string;
    if (!ready && text === 'ready') ready = true;
    else packets.push(text);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await waitFor(
    `a Unix datagram socket at ${socketPath}`,
    () => ready || failure !== undefined || child.exitCode !== null,
  );
  if (!ready) {
    child.kill('SIGKILL');
    rmSync(directory ?? socketPath, { force: true, recursive: directory !== undefined });
    throw new Error(
      `/usr/bin/python3 could not bind a Unix datagram socket at ${socketPath}${failure === undefined ? '' : `: ${failure.message}`}`,
    );
  }
  return {
    path: socketPath,
    ...receivedDatagrams(packets, 'Unix-socket datagrams'),
    close: async () => {
      child.kill('SIGKILL');
      await exited;
      rmSync(directory ?? socketPath, { force: true, recursive: directory !== undefined });
    },
  };
}
