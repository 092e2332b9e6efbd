/**
 * Formats a sample value: integers without a decimal point (`3`), other finite numbers in
 * JavaScript's shortest round-trip form (`0.1`, `1e-7`), and `+Inf`, `-Inf`, `NaN` as Prometheus
 * spells them. Valid in both formats.
 */
export function formatSampleValue(value: number): string {
  if (Number.isFinite(value)) return `${value}`;
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return 'NaN';
}

/**
 * Formats a number as an OpenMetrics canonical float, as `le` label values require: integral
 * values get `.0` (`1.0`, `10.0`), others keep their shortest round-trip form (`0.005`, `1e-7`),
 * infinities are `+Inf` / `-Inf`.
 */
export function formatCanonicalFloat(value: number): string {
  const text = formatSampleValue(value);
  return Number.isInteger(value) && !text.includes('e') ? `${text}.0` : text;
}
