/** What rewriteConfig changes. */
export interface ConfigRewrite {
  /** Port of the one `localhost:<port>` target. */
  targetPort: number;
  /** New value of every `scrape_interval` and `evaluation_interval`, e.g. `'1s'`. @default unchanged */
  scrapeInterval?: string;
}

const TARGET = /(['"]?)localhost:\d+\1/g;
const INTERVAL = /^(\s*(?:scrape_interval|evaluation_interval):\s*)\S+/gm;

/**
 * Returns the text of a Prometheus configuration with its one `localhost:<port>` target moved to
 * `targetPort` (and the intervals changed when asked); everything else stays byte for byte.
 * Throws when the configuration has no such target or more than one.
 */
export function rewriteConfig(text: string, rewrite: ConfigRewrite): string {
  const targets = text.match(TARGET) ?? [];
  if (targets.length !== 1) {
    throw new Error(
      `Expected exactly one localhost:<port> target in the Prometheus configuration, found ${targets.length}.`,
    );
  }
  let rewritten = text.replace(
    TARGET,
    (_, quote: string) => `${quote}localhost:${rewrite.targetPort}${quote}`,
  );
  if (rewrite.scrapeInterval !== undefined) {
    rewritten = rewritten.replace(INTERVAL, (_, key: string) => `${key}${rewrite.scrapeInterval}`);
  }
  return rewritten;
}
