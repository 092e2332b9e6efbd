import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // Child processes, deliberate event-loop blocks and promtool: generous limits for a loaded 2-core machine.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
