/** What rewriteConfig changes. */
export interface ConfigRewrite {
  /** Port of the one `localhost:<port>` target. */
  targetPort: number;
}

const TARGET = /(['"]?)localhost:\d+\1/g;

/**
 * Returns the text of a Prometheus configuration with its one `localhost:<port>` target moved to
 * `targetPort`; everything else, the 5 s scrape interval included, stays byte for byte. Throws
 * when the configuration has no such target or more than one.
 */
export function rewriteConfig(text: string, rewrite: ConfigRewrite): string {
  const targets = text.match(TARGET) ?? [];
  if (targets.length !== 1) {
    throw new Error(
      `Expected exactly one localhost:<port> target in the Prometheus configuration, found ${targets.length}.`,
    );
  }
  return text.replace(TARGET, (_, quote: string) => `${quote}localhost:${rewrite.targetPort}${quote}`);
}
