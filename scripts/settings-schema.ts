/**
 * Writes the rule ids into the `apiSentinel.rules` setting's JSON schema in package.json, so that the settings editor
 * offers each rule with its severities and flags an unknown id. Part of `npm run docs`; test/lsp-editor.test.ts holds
 * that it is current.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHECKS } from '../server/src/engine';

export const SEVERITY_SETTING = { type: 'string', enum: ['error', 'warning', 'info', 'hint', 'off'] };

/** One property per rule: its severities, what it flags and its default. */
export function rulesSchemaProperties(): Record<string, object> {
  const checks = [...CHECKS].sort((a, b) => a.meta.id.localeCompare(b.meta.id));
  return Object.fromEntries(checks.map(({ meta }) => [meta.id, { ...SEVERITY_SETTING, markdownDescription: `${meta.description} Default: \`${meta.severity}\`.` }]));
}

if (require.main === module) {
  const file = join(__dirname, '..', 'package.json');
  const pkg = JSON.parse(readFileSync(file, 'utf8'));
  const rules = pkg.contributes.configuration.properties['apiSentinel.rules'];
  rules.properties = rulesSchemaProperties();
  rules.additionalProperties = false;
  writeFileSync(file, JSON.stringify(pkg, null, 2) + '\n');
}
