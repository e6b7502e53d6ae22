import type { Check } from '../check';
import { operationLabel, WRITE_METHODS, type ApiDocument, type Operation, type SecurityAlternative } from '../../spec/model';
import { operationSite, relatedOperation } from '../report';
import { isPublicByIntent, requiresAuth, adminMark, isAdminSegment } from '../operation-kinds';
import { words } from '../words';

export const authAdminSharesScopes: Check = {
  meta: {
    id: 'auth-admin-shares-scopes',
    family: 'auth',
    needs: ['spec'],
    owasp: ['API5:2023'],
    cwe: ['CWE-285', 'CWE-863'],
    severity: 'warning',
    description: 'An administrative or destructive operation (admin path, operationId or tag; DELETE; role or permission changes) requires no more scopes than the plain reads of the same resource, in a document that grants different scopes elsewhere.',
    rationale: 'Broken function level authorization: when deleting, administering or granting roles needs the same credential as reading, any user who can read the resource can also destroy it or promote themselves. The document already distinguishes privileges elsewhere, so this operation was likely left out.',
    fix: "Require a dedicated scope or role for the operation (for example `orders:delete` or `admin`) that read-only callers are not granted, and enforce it in the implementation.",
  },
  run(ctx) {
    for (const doc of ctx.documents) {
      if (!differentiatesPrivileges(doc)) continue;
      const reads = new Map<string, Operation>();
      for (const op of doc.operations) {
        const key = resourceKey(op.path.split('/'));
        if (op.method === 'get' && !adminMark(op) && !reads.has(key)) reads.set(key, op);
      }
      for (const op of doc.operations) {
        if (!requiresAuth(op) || isPublicByIntent(op, ctx.config)) continue;
        const power = privileged(op);
        if (!power) continue;
        // the resource without its admin prefix, then its parent: DELETE /admin/users/{id} reads as GET /users/{id}
        const segments = op.path.split('/').filter((s) => !isAdminSegment(s));
        const candidates = [segments, ...(segments.length > 2 ? [segments.slice(0, -1)] : [])];
        const read = candidates.map((c) => reads.get(resourceKey(c))).find((r) => r !== undefined && r !== op);
        if (!read) continue;
        const shared = satisfiedByRead(op.security.alternatives, read.security.alternatives);
        if (!shared) continue;
        const readLabel = operationLabel(read);
        ctx.report({ ...operationSite(op), operations: [op],
          related: [relatedOperation(read, 'accepts the same credential')],
          message: `${operationLabel(op)} is ${power.reason} but requires no more than ${readLabel} (${describe(shared)}): any caller allowed to read can also ${power.power}.` });
      }
    }
  },
};

const PRIVILEGE_WORDS = new Set(['role', 'roles', 'permission', 'permissions', 'privilege', 'privileges', 'acl', 'acls', 'rbac']);

interface Privileged { reason: string; power: string }

function literalSegments(path: string): string[] {
  return path.split('/').filter((s) => s && !s.startsWith('{'));
}

/** Whether an operation needs more privilege than reading: administrative, destructive, or changing roles and permissions. */
function privileged(op: Operation): Privileged | undefined {
  const admin = adminMark(op);
  if (admin) return { reason: `an administrative operation (${admin})`, power: 'use this administrative function' };
  if (op.method === 'delete') return { reason: 'a destructive operation', power: 'delete' };
  if (WRITE_METHODS.has(op.method) && literalSegments(op.path).some((s) => words(s).some((w) => PRIVILEGE_WORDS.has(w)))) {
    return { reason: 'a role or permission change', power: 'change roles and permissions' };
  }
  return undefined;
}

/** A path with template names erased, so `/users/{id}` and `/users/{userId}` are the same resource. */
function resourceKey(segments: string[]): string {
  return segments.map((s) => (s.startsWith('{') ? '{}' : s)).join('/');
}

/** Scopes (or 3.1 roles) an operation's requirements name, as one comparable signature. */
function scopeSignature(op: Operation): string {
  const scopes = op.security.alternatives.flatMap((alt) => alt.schemes.flatMap((s) => s.scopes.map((scope) => `${s.name}:${scope}`)));
  return [...new Set(scopes)].sort().join(' ');
}

/** Whether the document grants different privileges to different operations: some require scopes or roles that others do not. */
function differentiatesPrivileges(doc: ApiDocument): boolean {
  return new Set(doc.operations.filter(requiresAuth).map(scopeSignature)).size > 1;
}

/** The alternative of `own` that a caller holding some alternative of `read` already satisfies (same schemes, no extra scopes). */
function satisfiedByRead(own: SecurityAlternative[], read: SecurityAlternative[]): SecurityAlternative | undefined {
  return own.find((a) => a.schemes.length > 0 && read.some((b) => a.schemes.every((s) => {
    const held = b.schemes.find((h) => h.name === s.name);
    return held !== undefined && s.scopes.every((scope) => held.scopes.includes(scope));
  })));
}

function describe(alternative: SecurityAlternative): string {
  return alternative.schemes.map((s) => `${s.name}: [${s.scopes.join(', ')}]`).join(' + ');
}
