import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // Tests start real promtool and Prometheus processes and poll them; be generous on a loaded machine.
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
