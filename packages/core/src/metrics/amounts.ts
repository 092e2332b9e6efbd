/** A valid counter increment: a number, not negative, not NaN, not infinite (`-0` is accepted). */
export function isCounterAmount(amount: unknown): amount is number {
  return typeof amount === 'number' && amount >= 0 && amount < Number.POSITIVE_INFINITY;
}

/** A valid gauge value or change: any number but NaN (infinities are valid exposition values). */
export function isGaugeValue(value: unknown): value is number {
  // biome-ignore lint/suspicious/noSelfCompare: the fastest NaN check
  return typeof value === 'number' && value === value;
}

/** A valid histogram observation: a finite number. */
export function isObservation(value: unknown): value is number {
  return typeof value === 'number' && value - value === 0;
}
