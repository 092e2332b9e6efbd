/** Options of runDemo. */
export interface RunDemoOptions<D extends { close(): Promise<void> }> {
  /** The command a person types to start this demo, for the hint, e.g. `npm run demo`. */
  command: string;
  /**
   * The ports the demo binds, by the environment variable that sets each, e.g.
   * `{ PORT: 3000 }`; the hint names the variable of the port that was taken.
   */
  ports: Readonly<Record<string, number>>;
  /** Starts the demo; rejects when it cannot (with the Node error, or an error caused by it). */
  start: () => Promise<D>;
  /** The lines to print once the demo runs: where to look. */
  banner: (demo: D) => string;
  /** Where the banner goes. @default console.log */
  print?: (text: string) => void;
  /** Where the port-in-use hint and close failures go. @default console.error */
  printError?: (text: string) => void;
}

/** The error, or the first error in its `cause` chain, that says an address was in use. */
function findAddressInUse(error: unknown): { port?: unknown } | undefined {
  let current = error;
  for (let depth = 0; depth < 10 && typeof current === 'object' && current !== null; depth++) {
    if ((current as { code?: unknown }).code === 'EADDRINUSE') return current as { port?: unknown };
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * The one-line advice for a demo whose port is taken: `port 3000 is in use; run
 * \`PORT=3001 npm run demo\``. Returns undefined when `error` is not EADDRINUSE (nor caused by
 * one). The port is the error's own `port` when it has one that `ports` lists, else the only
 * entry of `ports`.
 */
export function portInUseHint(
  error: unknown,
  ports: Readonly<Record<string, number>>,
  command: string,
): string | undefined {
  const inUse = findAddressInUse(error);
  if (inUse === undefined) return undefined;
  const entries = Object.entries(ports);
  const entry =
    entries.find(([, port]) => port === inUse.port) ?? (entries.length === 1 ? entries[0] : undefined);
  if (entry === undefined)
    return `a port is in use (${String(error)}); set ${entries.map(([name]) => name).join(' or ')}`;
  const [variable, port] = entry;
  return `port ${port} is in use; run \`${variable}=${port + 1} ${command}\``;
}

/**
 * Keeps the process running until Ctrl+C (SIGINT) or SIGTERM, then calls `close` once and lets
 * the process end by itself (exit code 0, or 1 when `close` rejects). A second signal ends the
 * process at once, as Node does by default.
 */
export function closeOnSignal(
  close: () => Promise<void>,
  printError: (text: string) => void = console.error,
): void {
  const keepAlive = setInterval(() => {}, 1 << 30);
  const stop = (): void => {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    clearInterval(keepAlive);
    close().catch((error: unknown) => {
      printError(
        `stopping failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
      process.exitCode = 1;
    });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

/**
 * Runs an example from its `main.ts`: starts it, prints the banner, and closes it on Ctrl+C
 * (see closeOnSignal). When a port is taken it prints portInUseHint instead of a stack and sets
 * the exit code to 1; any other start failure is thrown as is. Resolves with the running demo, or
 * undefined when the port was taken.
 */
export async function runDemo<D extends { close(): Promise<void> }>(
  options: RunDemoOptions<D>,
): Promise<D | undefined> {
  const printError = options.printError ?? console.error;
  let demo: D;
  try {
    demo = await options.start();
  } catch (error) {
    const hint = portInUseHint(error, options.ports, options.command);
    if (hint === undefined) throw error;
    printError(hint);
    process.exitCode = 1;
    return undefined;
  }
  (options.print ?? console.log)(options.banner(demo));
  closeOnSignal(() => demo.close(), printError);
  return demo;
}
