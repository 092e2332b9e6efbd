import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // Real servers on a shared 2-core machine: polls give up after 15 s, tests after 30 s.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
