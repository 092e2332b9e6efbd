import { createServer } from 'node:net';
import { expect, test } from 'vitest';
import { portInUseHint, runDemo } from './run-demo.js';

/** A real EADDRINUSE from Node: listens twice on the same port. */
async function addressInUseError(): Promise<{ error: unknown; port: number }> {
  const first = createServer();
  await new Promise<void>((resolve) => first.listen(0, '127.0.0.1', resolve));
  const port = (first.address() as { port: number }).port;
  const second = createServer();
  const error = await new Promise<unknown>((resolve) => {
    second.once('error', resolve);
    second.listen(port, '127.0.0.1');
  });
  await new Promise<void>((resolve) => first.close(() => resolve()));
  return { error, port };
}

test('names the port and the variable that moves it, also through an error cause', async () => {
  const { error, port } = await addressInUseError();
  expect(portInUseHint(error, { PORT: port }, 'npm run demo')).toBe(
    `port ${port} is in use; run \`PORT=${port + 1} npm run demo\``,
  );
  expect(portInUseHint(error, { PORT: 3000, PROMETHEUS_PORT: port }, 'pnpm start')).toBe(
    `port ${port} is in use; run \`PROMETHEUS_PORT=${port + 1} pnpm start\``,
  );
  // Like MetricsServerStartError from startMetricsServer, which keeps Node's error as its cause.
  const wrapped = new Error(`could not listen on 127.0.0.1:${port}`, { cause: error });
  expect(portInUseHint(wrapped, { PORT: port }, 'npm run demo')).toContain(`port ${port} is in use`);
  expect(portInUseHint(new Error('boom'), { PORT: port }, 'npm run demo')).toBeUndefined();
});

test('runDemo prints the hint and sets exit code 1 when the port is taken, and rethrows anything else', async () => {
  const { error, port } = await addressInUseError();
  const printed: string[] = [];
  const previousExitCode = process.exitCode;
  try {
    const demo = await runDemo({
      command: 'npm run demo',
      ports: { PORT: port },
      start: () => Promise.reject(error),
      banner: () => 'never',
      print: (text) => printed.push(text),
      printError: (text) => printed.push(text),
    });
    expect(demo).toBeUndefined();
    expect(printed).toEqual([`port ${port} is in use; run \`PORT=${port + 1} npm run demo\``]);
    expect(process.exitCode).toBe(1);
  } finally {
    process.exitCode = previousExitCode;
  }
  await expect(
    runDemo({
      command: 'npm run demo',
      ports: { PORT: port },
      start: () => Promise.reject(new Error('cannot start')),
      banner: () => 'never',
    }),
  ).rejects.toThrow('cannot start');
});
