import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';
// @ts-expect-error the build helper is plain JavaScript
import { VALIDATOR_MODULE, tableValidatorSource } from './scripts/table-validator.mjs';

const root = import.meta.dirname;
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };

export default defineConfig({
  define: { CREDITS_VERSION: JSON.stringify(version) },
  plugins: [
    {
      name: 'table-validator',
      resolveId: (id: string) => (id === VALIDATOR_MODULE ? `\0${VALIDATOR_MODULE}` : undefined),
      load: (id: string) => (id === `\0${VALIDATOR_MODULE}` ? tableValidatorSource(join(root, 'schema/credits.schema.json')) : undefined),
    },
  ],
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', './test/support/closing-line.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
