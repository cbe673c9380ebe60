// Compiles the table's and the runtime snapshot's JSON Schemas into standalone
// validation code at build time, so reading either costs no schema compilation
// at run time.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';

function validatorSource(schema) {
  const ajv = new Ajv({ allErrors: true, strict: true, code: { source: true, esm: true } });
  return standaloneCode(ajv, ajv.compile(schema));
}

const schemaAt = (root, name) => JSON.parse(readFileSync(join(root, 'schema', name), 'utf8'));

/** The generated modules by the name src/ imports them by, for the build and the test runner. */
export function validatorModules(root) {
  return {
    '#table-validator': () => validatorSource(schemaAt(root, 'credits.schema.json')),
    // The snapshot `credits export --to json` writes, without requiring its header: the TypeScript
    // snapshot's object has none. A JSON file's header is required by the reader itself.
    '#snapshot-validator': () => {
      const schema = schemaAt(root, 'export.schema.json');
      schema.required = schema.required.filter((key) => key !== 'schema_version' && key !== 'credits_export');
      return validatorSource(schema);
    },
  };
}

/** An esbuild plugin that supplies the generated modules. */
export function validatorPlugin(root) {
  const modules = validatorModules(root);
  return {
    name: 'table-validator',
    setup(b) {
      b.onResolve({ filter: /^#[a-z-]+-validator$/ }, (args) => (args.path in modules ? { path: args.path, namespace: 'generated' } : undefined));
      b.onLoad({ filter: /.*/, namespace: 'generated' }, (args) => ({ contents: modules[args.path](), resolveDir: root, loader: 'js' }));
    },
  };
}
