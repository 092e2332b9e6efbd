import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requireBinary } from './system-binary.js';

describe('requireBinary', () => {
  it('fails with the install command when the binary is missing', () => {
    const empty = mkdtempSync(join(tmpdir(), 'servermetrics-no-binaries-'));
    try {
      expect(() => requireBinary('promtool', [empty])).toThrow(
        'promtool is not installed (needed by this test); install with: apt-get install -y prometheus',
      );
      expect(() => requireBinary('prometheus', [empty])).toThrow(
        /install with: apt-get install -y prometheus/,
      );
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('finds the installed binaries', () => {
    expect(requireBinary('promtool')).toMatch(/\/promtool$/);
    expect(requireBinary('prometheus')).toMatch(/\/prometheus$/);
  });
});
