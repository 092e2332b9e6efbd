import { ServerMetricsError } from '@servermetrics/core';

const NAME = 'MetricsServerStartError';

/**
 * MetricsServerStartError is what startMetricsServer rejects with when the server cannot listen
 * (port in use, address not available, no permission for a low port). The original Node error is
 * the `cause`; the message says which address failed and how to fix it.
 */
export class MetricsServerStartError extends ServerMetricsError {
  /** The host the server tried to listen on. */
  readonly host: string;
  /** The port the server tried to listen on. */
  readonly port: number;

  constructor(host: string, port: number, cause: unknown) {
    const code = (cause as { code?: unknown } | null)?.code;
    const hint =
      code === 'EADDRINUSE'
        ? 'the port is already in use; pick another port (or port 0 for any free one)'
        : code === 'EACCES'
          ? 'no permission for this port; use a port above 1023'
          : code === 'EADDRNOTAVAIL'
            ? 'this host is not an address of this machine; use 127.0.0.1, 0.0.0.0 or a local interface address'
            : String(cause);
    super(NAME, `The metrics server could not listen on ${host}:${port}: ${hint}.`, { cause });
    this.host = host;
    this.port = port;
  }

  static override isInstance(error: unknown): error is MetricsServerStartError {
    return ServerMetricsError.isInstance(error) && error.name === NAME;
  }
}
