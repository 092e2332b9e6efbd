import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // Each test starts an example through tsx (compiling it first) and waits for it to serve, on
    // a machine that may be busy with other tests; prometheus-grafana also starts Prometheus.
    testTimeout: 120_000,
    hookTimeout: 30_000,
  },
});
