import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    pool: 'forks',
    // The public types are API: test/types.test.ts runs as a test and is type-checked (expectTypeOf).
    typecheck: {
      enabled: true,
      include: ['test/types.test.ts'],
      tsconfig: 'test/tsconfig.json',
      ignoreSourceErrors: false,
    },
  },
});
