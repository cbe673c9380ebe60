// Compiles the table's and the runtime snapshot's JSON Schemas into standalone
// validation code at build time, so reading either costs no schema compilation
// at run time.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';

export const VALIDATOR_MODULE = '#table-validator';
export const SNAPSHOT_VALIDATOR_MODULE = '#snapshot-validator';

function validatorSource(schema) {
  const ajv = new Ajv({ allErrors: true, strict: true, code: { source: true, esm: true } });
  return standaloneCode(ajv, ajv.compile(schema));
}

export function tableValidatorSource(schemaPath) {
  return validatorSource(JSON.parse(readFileSync(schemaPath, 'utf8')));
}

/**
 * The snapshot `credits export --to json` writes, without requiring its
 * header: the TypeScript snapshot's object has none. A JSON file's header is
 * required by the reader itself.
 */
export function snapshotValidatorSource(schemaPath) {
  const schema = JSON.parse(readFileSync(schemaPath, 'utf8'));
  schema.required = schema.required.filter((key) => key !== 'schema_version' && key !== 'credits_export');
  return validatorSource(schema);
}

/** The generated modules by the name src/ imports them by, for the build and the test runner. */
export function validatorModules(root) {
  return {
    [VALIDATOR_MODULE]: () => tableValidatorSource(join(root, 'schema/credits.schema.json')),
    [SNAPSHOT_VALIDATOR_MODULE]: () => snapshotValidatorSource(join(root, 'schema/export.schema.json')),
  };
}

/** An esbuild plugin that supplies the generated modules. */
export function validatorPlugin(root) {
  const modules = validatorModules(root);
  return {
    name: 'table-validator',
    setup(b) {
      b.onResolve({ filter: /^#(?:table|snapshot)-validator$/ }, (args) => ({ path: args.path, namespace: 'generated' }));
      b.onLoad({ filter: /.*/, namespace: 'generated' }, (args) => ({ contents: modules[args.path](), resolveDir: root, loader: 'js' }));
    },
  };
}
