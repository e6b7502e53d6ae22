import type { Check } from '../check';
import type { Fix } from '../../types';
import type { FileSet, SpecNode } from '../../spec/load';
import { child, entries, isObject, servers } from '../../spec/model';
import { insertEntry } from '../../edit/edits';
import { attempt } from '../../edit/fixes';
import { words } from '../words';

export const inventoryServerUndocumented: Check = {
  meta: {
    id: 'inventory-server-undocumented',
    family: 'inventory',
    needs: ['spec'],
    owasp: ['API9:2023'],
    cwe: ['CWE-1059'],
    severity: 'info',
    description: 'A server (OpenAPI 3 `servers`, at the root, on a path or on an operation) says neither which environment it is nor who may reach it: no `x-internal: true|false`, and neither its description, its variables nor its host name production, staging, sandbox, test, development, local...',
    rationale: 'Improper inventory management starts with hosts nobody can place: a staging or legacy server left reachable, unpatched and open, with production data or weaker checks. When each server states its environment and audience, reviewers and documentation tools can tell the public production API from the internal or test ones, and see when one is exposed that should not be.',
    fix: 'Say which environment each server is, in its `description` ("Production", "Sandbox: test data only") or with a variable (`{environment}` with an enum), and who may reach it with `x-internal: false` (public) or `x-internal: true` (internal network only).',
  },
  run(ctx) {
    for (const doc of ctx.documents) {
      for (const { node: server, operations } of servers(doc)) {
        const url = child(server, 'url');
        if (!url || typeof url.value !== 'string' || placed(ctx.files, server, url.value)) continue;
        ctx.report({ at: url, part: 'value', operations, fixes: () => audienceFixes(server),
          message: `Server '${url.value}' says neither which environment it is (production, staging, sandbox...) nor who may reach it (x-internal): nobody reviewing the API can tell a production host from a forgotten test one.` });
      }
    }
  },
};

/** Words that name an environment or an audience. */
const ENVIRONMENT_WORDS = new Set([
  'production', 'prod', 'live', 'staging', 'stage', 'stg', 'sandbox', 'test', 'testing', 'development', 'dev', 'local',
  'localhost', 'qa', 'uat', 'preview', 'beta', 'alpha', 'demo', 'mock', 'preprod', 'preproduction', 'canary',
  'integration', 'internal', 'public', 'partner', 'partners',
]);
/** Variable names that select the environment. */
const ENVIRONMENT_VARIABLES = new Set(['environment', 'env', 'stage', 'tier', 'deployment']);

const namesEnvironment = (text: string) => words(text).some((w) => ENVIRONMENT_WORDS.has(w));

/**
 * Whether a server says where it stands: `x-internal` set, or its description, one of its variables (by name or
 * values) or its host naming an environment or an audience.
 */
function placed(files: FileSet, server: SpecNode, url: string): boolean {
  const value = server.value as Record<string, unknown>;
  if (typeof value['x-internal'] === 'boolean') return true;
  if (namesEnvironment(files.readProse(server, 'description') ?? '')) return true;
  for (const [name, variable] of entries(child(server, 'variables'))) {
    const v = variable.value;
    const values = isObject(v) ? [v.default, ...(Array.isArray(v.enum) ? v.enum : [])] : [];
    if (ENVIRONMENT_VARIABLES.has(name.toLowerCase()) || values.some((x) => typeof x === 'string' && namesEnvironment(x))) return true;
  }
  const host = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(url.trim())?.[1];
  return host !== undefined && (namesEnvironment(host) || /^(?:127\.|\[::1\])/.test(host));
}

/** Declares who may reach the server: `x-internal: false` or `true`. Suggestions: only the author knows. */
function audienceFixes(server: SpecNode): Fix[] {
  return [false, true].flatMap((internal) => {
    const fix = attempt(() => ({
      title: internal ? 'Declare it internal (x-internal: true)' : 'Declare it public (x-internal: false)',
      kind: 'suggestion' as const, edits: [insertEntry(server.file, server.value as object, 'x-internal', internal)],
    }));
    return fix ? [fix] : [];
  });
}
