import type { Check } from '../check';
import type { Fix } from '../../types';
import { entries, isObject, items } from '../../spec/model';
import { replaceScalar } from '../../edit/edits';
import { squash } from '../words';
import { fixes } from '../../edit/fixes';
import { declareSchemeFix } from './fixes';
import { requirementEntries, requirementOwner, type RequirementEntry } from './knowledge';

export const authSchemeUndefined: Check = {
  meta: {
    id: 'auth-scheme-undefined',
    family: 'auth',
    needs: ['spec'],
    owasp: ['API2:2023', 'API8:2023'],
    cwe: ['CWE-287'],
    severity: 'error',
    description: 'A security requirement (at the root or on an operation) names a scheme that `components.securitySchemes` (OpenAPI 2.0: `securityDefinitions`) does not declare.',
    rationale: 'A requirement on an undeclared scheme describes no credential: gateways, generated clients and server stubs cannot enforce or send it, so the operation may end up protected by nothing, and the document no longer says how callers authenticate.',
    fix: 'Declare the scheme under `components.securitySchemes` (2.0: `securityDefinitions`), or correct the name in the requirement to one that is declared.',
  },
  run(ctx) {
    for (const doc of ctx.documents) {
      const names = entries(doc.securitySchemesNode).map(([name]) => name);
      const declared = new Set(names);
      const where = doc.version === '2.0' ? 'securityDefinitions' : 'components.securitySchemes';
      for (const entry of requirementEntries(doc)) {
        if (declared.has(entry.name)) continue;
        // a misspelling of a declared name is corrected; a name like none is declared as a bearer scheme, unless it
        // is asked for scopes that only OAuth2 (or, in 3.1, any scheme) may list
        const declarable = doc.version === '3.1' || items(entry.node).length === 0;
        const fix = () => useDeclaredName(entry, names) ?? (declarable ? declareSchemeFix(doc, entry.name) : undefined);
        ctx.report({ at: entry.node, part: 'key', operations: entry.operations, fixes: () => fixes(fix),
          message: `Security scheme '${entry.name}' required by ${requirementOwner(entry)} is not declared in ${where}: nothing defines the credential, so tools cannot enforce it.` });
      }
    }
  },
};

/** Edit distance with transpositions (optimal string alignment), for short names. */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** A misspelling of a declared name: the same but for case and separators, or one or two typos in a longer name. */
function looksLike(written: string, declared: string): boolean {
  const a = squash(written);
  const b = squash(declared);
  if (a === b) return true;
  if (a.length > 64 || b.length > 64) return false;
  return distance(a, b) <= (Math.min(a.length, b.length) >= 8 ? 2 : 1) && Math.min(a.length, b.length) >= 4;
}

/** Renames the required scheme to the one declared name it is a misspelling of, when exactly one fits. */
function useDeclaredName(entry: RequirementEntry, declared: string[]): Fix | undefined {
  const alternative = entry.node.parent;
  const candidates = declared.filter((name) => looksLike(entry.name, name));
  if (candidates.length !== 1 || !isObject(alternative) || candidates[0] in alternative) return undefined;
  const file = entry.node.file;
  return { title: `Use '${candidates[0]}'`, kind: 'suggestion',
    edits: [replaceScalar(file, file.spanOf(alternative, entry.name, 'key'), candidates[0])] };
}
