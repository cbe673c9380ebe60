// Compiles schema/credits.schema.json into standalone validation code at build
// time, so reading a table costs no schema compilation at run time.
import { readFileSync } from 'node:fs';
import Ajv from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';

export const VALIDATOR_MODULE = '#table-validator';

export function tableValidatorSource(schemaPath) {
  const schema = JSON.parse(readFileSync(schemaPath, 'utf8'));
  const ajv = new Ajv({ allErrors: true, strict: true, code: { source: true, esm: true } });
  return standaloneCode(ajv, ajv.compile(schema));
}
