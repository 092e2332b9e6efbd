import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // Real processes, threads, Prometheus and statsd: generous limits for a loaded 2-core machine.
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
