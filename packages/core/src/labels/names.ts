import { InvalidNameError } from '../errors/invalid-name-error.js';

/** Longest metric or label name accepted. */
export const MAX_NAME_LENGTH = 200;

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * Throws InvalidNameError unless `name` is a valid metric name:
 * `^[a-zA-Z_:][a-zA-Z0-9_:]*$`, 1 to 200 characters.
 */
export function assertMetricName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || name.length === 0) {
    throw new InvalidNameError(
      `Metric name must be a non-empty string, got ${JSON.stringify(name)}.`,
      String(name),
    );
  }
  if (name.length > MAX_NAME_LENGTH) {
    throw new InvalidNameError(
      `Metric name "${name.slice(0, 40)}..." is ${name.length} characters long; the limit is ${MAX_NAME_LENGTH}.`,
      name,
    );
  }
  if (!METRIC_NAME.test(name)) {
    throw new InvalidNameError(
      `Metric name "${name}" is invalid: use only ASCII letters, digits, "_" and ":", not starting with a digit ` +
        '(for example "http_requests_total").',
      name,
    );
  }
}

/**
 * Throws InvalidNameError unless `name` is a valid label name: `^[a-zA-Z_][a-zA-Z0-9_]*$`,
 * 1 to 200 characters, no `__` prefix (reserved by Prometheus), and not `le` on a histogram.
 */
export function assertLabelName(name: string, metricType: string): void {
  if (name.length === 0 || name.length > MAX_NAME_LENGTH || !LABEL_NAME.test(name)) {
    throw new InvalidNameError(
      `Label name "${name}" is invalid: use 1 to ${MAX_NAME_LENGTH} ASCII letters, digits and "_", ` +
        'not starting with a digit (for example "response_code").',
      name,
    );
  }
  if (name.startsWith('__')) {
    throw new InvalidNameError(
      `Label name "${name}" is invalid: names starting with "__" are reserved.`,
      name,
    );
  }
  if (name === 'le' && metricType === 'histogram') {
    throw new InvalidNameError('Label name "le" is reserved for histogram buckets; pick another name.', name);
  }
}
