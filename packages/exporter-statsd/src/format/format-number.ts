/**
 * Formats a finite number for a StatsD line: integers without a decimal point (`3`, not `3.0`),
 * other values in JavaScript's shortest round-trip form (`0.1`, `0.30000000000000004`), and
 * `-0` as `0`. Very large or very small magnitudes use exponent notation (`1e+21`, `1e-7`),
 * which Etsy statsd (`Number`), the Datadog Agent and Telegraf (Go `strconv.ParseFloat`) all
 * parse. Callers skip non-finite values before formatting.
 */
export function formatNumber(value: number): string {
  return value === 0 ? '0' : String(value);
}
