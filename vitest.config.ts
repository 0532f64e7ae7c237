import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

const src = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  resolve: {
    alias: {
      '@pidsim/core': src('./packages/core/src/index.ts'),
      '@pidsim/actors': src('./packages/actors/src/index.ts'),
      '@pidsim/scheduler': src('./packages/scheduler/src/index.ts'),
    },
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
  },
});
