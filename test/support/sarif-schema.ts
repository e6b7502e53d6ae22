/** Validation against the OASIS SARIF 2.1.0 schema (JSON Schema draft-04); test/schemas/README.md says where it comes from. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';

const SCHEMA = join(__dirname, '..', 'schemas', 'sarif-schema-2.1.0.json');

const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validate = ajv.compile(JSON.parse(readFileSync(SCHEMA, 'utf8')) as object);

/** The schema's complaints about `log`, one a line; empty when it is valid SARIF. */
export function sarifErrors(log: unknown): string {
  return validate(log) ? '' : ajv.errorsText(validate.errors, { separator: '\n' });
}
