import { describe, expect, it } from 'vitest';
import { supportsSamplePerIteration } from './event-loop-delay.js';

describe('supportsSamplePerIteration', () => {
  it('is true only from Node.js 24.19 and 26.5', () => {
    expect(supportsSamplePerIteration('20.19.0')).toBe(false);
    expect(supportsSamplePerIteration('22.20.0')).toBe(false);
    expect(supportsSamplePerIteration('24.18.9')).toBe(false);
    expect(supportsSamplePerIteration('24.19.0')).toBe(true);
    expect(supportsSamplePerIteration('25.9.0')).toBe(false);
    expect(supportsSamplePerIteration('26.4.0')).toBe(false);
    expect(supportsSamplePerIteration('26.5.0')).toBe(true);
    expect(supportsSamplePerIteration('27.0.0')).toBe(true);
  });
});
