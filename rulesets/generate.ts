/**
 * Writes rulesets/api-sentinel.yaml from the engine's checks: one Spectral rule per check, documented by the check's
 * metadata. Run `npm run rulesets` after adding or changing a check; test/spectral.test.ts fails while the file is stale.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHECKS, owaspTitle, owaspUrl, type Check, type Severity } from '../server/src/engine';

export const RULESET_FILE = join(__dirname, 'api-sentinel.yaml');

/** The checks Spectral can run: those that read OpenAPI documents only (Spectral lints documents, never route code). */
export const SPECTRAL_CHECKS: readonly Check[] = CHECKS.filter((check) => check.meta.needs.every((need) => need === 'spec'));

const SPECTRAL_SEVERITY: Record<Severity, string> = { error: 'error', warning: 'warn', info: 'info', hint: 'hint' };

/** A YAML scalar: JSON strings are valid YAML and need no escaping rules of their own. */
const quote = (text: string) => JSON.stringify(text);

function rule({ meta }: Check): string {
  const references = `(OWASP ${meta.owasp.map(owaspTitle).join(', ')}; ${meta.cwe.join(', ')})`;
  const documentation = meta.owasp.map(owaspUrl).find((url) => url !== undefined);
  return [
    `  ${meta.id}:`,
    `    description: ${quote(`${meta.description} ${references}`)}`,
    ...(documentation ? [`    documentationUrl: ${documentation}`] : []),
    `    message: "{{error}}"`,
    `    severity: ${SPECTRAL_SEVERITY[meta.severity]}`,
    `    recommended: true`,
    `    tags: [${[meta.family, ...meta.owasp, ...meta.cwe].map(quote).join(', ')}]`,
    `    given: $`,
    `    then:`,
    `      function: apiSentinel`,
    `      functionOptions:`,
    `        check: ${meta.id}`,
  ].join('\n');
}

export function rulesetYaml(): string {
  return [
    "# API Sentinel's OpenAPI security checks as a Spectral ruleset:",
    '#   npm run build && npx spectral lint -r rulesets/api-sentinel.yaml openapi.yaml',
    "# Generated from the engine's checks by `npm run rulesets` (rulesets/generate.ts): change the checks, not this file.",
    '#',
    '# Every rule runs the API Sentinel check of the same id through functions/apiSentinel.js (the document is analysed',
    '# once for all rules), so Spectral reports what the editor and `api-sentinel review` report, except:',
    "# - Severity: every result has its rule's severity (change it in your Spectral ruleset); the engine's risk-based",
    '#   severities (auth-missing is an error on writes, a warning on reads) cannot reach Spectral.',
    "# - Configuration: .api-sentinel.yaml in the working directory applies, except its `rules`: Spectral's decide.",
    '# - Suppressed findings (`x-api-sentinel-ignore`) are left out: Spectral has no notion of a suppressed result.',
    '# - Places: Spectral ranges a value, never a key, so a finding at a key is shown at its value, and one at a key',
    '#   holding a `$ref` at the enclosing object. Findings in files reached through `$ref` are reported in those files.',
    `description: ${quote('API Sentinel: API security review of OpenAPI 2.0, 3.0 and 3.1 specs (OWASP API Security Top 10 2023).')}`,
    'formats: [oas2, oas3]',
    'functions: [apiSentinel]',
    'rules:',
    ...SPECTRAL_CHECKS.map(rule),
    '',
  ].join('\n');
}

if (require.main === module) writeFileSync(RULESET_FILE, rulesetYaml());
