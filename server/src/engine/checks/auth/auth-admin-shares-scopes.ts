import type { Check } from '../check';
import { keyMatching, operationLabel, WRITE_METHODS, type ApiDocument, type Operation, type SecurityAlternative } from '../../spec/model';
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
    description: 'An administrative operation (an `admin`, `internal` or `manage` path segment, operationId or tag), a role or permission change, or a bulk or destructive operation on other users\' objects (deleting, suspending or impersonating a user) accepts the credential an ordinary operation accepts: no scope, role extension (`x-roles`...) or separate scheme sets it apart. Where the document grants different scopes elsewhere, any DELETE that needs no more than the read of its resource counts too.',
    rationale: 'Broken function level authorization: when deleting users, administering the tenant or granting roles needs the same credential as reading, any signed-in user can call those functions; attackers find them by guessing paths such as `/admin` or swapping GET for DELETE. '
      + 'An API with a single scheme and no scopes is reported too: then nothing in the document restricts the operation to administrators, and the check it relies on, if any, is invisible to reviewers, gateways and tests.',
    fix: 'Require a dedicated scope or role for the operation (for example `users:delete` or `admin`, in the security requirement or an `x-roles` extension) or a separate scheme that ordinary callers do not hold, and enforce it in the implementation.',
  },
  run(ctx) {
    for (const doc of ctx.documents) {
      // when the document grants different scopes, an operation that needs no more than reading was likely left out
      const scoped = differentiatesPrivileges(doc);
      const reads = new Map<string, Operation>();
      for (const op of doc.operations) {
        const key = resourceKey(op.path.split('/'));
        if (op.method === 'get' && !adminMark(op) && !reads.has(key)) reads.set(key, op);
      }
      const ordinary = doc.operations.find((op) => requiresAuth(op) && !privileged(op, scoped) && !isPublicByIntent(op, ctx.config));
      for (const op of doc.operations) {
        if (!requiresAuth(op) || isPublicByIntent(op, ctx.config) || declaresRoles(op)) continue;
        const power = privileged(op, scoped);
        if (!power) continue;
        // the resource without its admin prefix, then its parent: DELETE /admin/users/{id} reads as GET /users/{id}
        const segments = op.path.split('/').filter((s) => !isAdminSegment(s));
        const candidates = [segments, ...(segments.length > 2 ? [segments.slice(0, -1)] : [])];
        const read = candidates.map((c) => reads.get(resourceKey(c))).find((r) => r !== undefined && r !== op)
          ?? (scoped ? undefined : ordinary);
        if (!read || read === op) continue;
        const shared = satisfiedByRead(op.security.alternatives, read.security.alternatives);
        if (!shared) continue;
        const readLabel = operationLabel(read);
        const message = scoped
          ? `${operationLabel(op)} is ${power.reason} but requires no more than ${readLabel} (${describe(shared)}): any caller allowed to read can also ${power.power}.`
          : `${operationLabel(op)} is ${power.reason} but accepts the same credential as ${readLabel} (${describe(shared)}), and no scope, role or separate scheme restricts it to administrators: any signed-in caller can ${power.power}.`;
        ctx.report({ ...operationSite(op), operations: [op], related: [relatedOperation(read, 'accepts the same credential')], message });
      }
    }
  },
};

const PRIVILEGE_WORDS = new Set(['role', 'roles', 'permission', 'permissions', 'privilege', 'privileges', 'rbac']);

interface Privileged { reason: string; power: string }

/** Literal segments that name collections of people: what follows them addresses another user. */
const USER_COLLECTIONS = new Set(['user', 'users', 'people', 'person', 'persons', 'member', 'members']);
/** Last segments that act on a user account as only an administrator should. */
const ACCOUNT_ACTIONS = new Set(['ban', 'unban', 'suspend', 'unsuspend', 'block', 'unblock', 'disable', 'enable', 'deactivate', 'activate', 'lock', 'unlock', 'impersonate', 'promote', 'demote', 'approve']);
/** Words that make a write a bulk operation over many objects. */
const BULK_WORDS = new Set(['bulk', 'batch', 'all', 'purge', 'wipe', 'truncate']);
/** Path segments that only version an API (`/users/v1/{username}` still addresses a user). */
const VERSION_SEGMENT = /^(?:v\d+(?:\.\d+)*|api|latest)$/i;

/**
 * Whether the path's last template parameter addresses another user: it follows a collection of people (versions
 * aside), as in `/users/{id}`, `/users/v1/{username}`, `/orgs/{org}/members/{member}`.
 */
function addressesUser(segments: string[]): boolean {
  let at = segments.map((s) => s.startsWith('{')).lastIndexOf(true) - 1;
  while (at >= 0 && VERSION_SEGMENT.test(segments[at])) at--;
  return at >= 0 && USER_COLLECTIONS.has(segments[at].toLowerCase());
}

/**
 * Whether an operation needs more privilege than an ordinary call: administrative, a role or permission change, or a
 * bulk or destructive operation on other users (deleting, suspending or impersonating one, deleting many). With
 * `scoped`, when the document grants different scopes elsewhere, any DELETE counts (compared with the read of its
 * resource).
 */
function privileged(op: Operation, scoped: boolean): Privileged | undefined {
  const admin = adminMark(op);
  if (admin) return { reason: `an administrative operation (${admin})`, power: 'use this administrative function' };
  const segments = op.path.split('/').filter((s) => s !== '');
  const literalWords = segments.filter((s) => !s.startsWith('{')).flatMap((s) => words(s));
  if (WRITE_METHODS.has(op.method) && literalWords.some((w) => PRIVILEGE_WORDS.has(w))) {
    return { reason: 'a role or permission change', power: 'change roles and permissions' };
  }
  const last = segments[segments.length - 1] ?? '';
  if (op.method === 'delete' && last.startsWith('{') && addressesUser(segments)) return { reason: "a deletion of another user's account", power: "delete other users' accounts" };
  if (WRITE_METHODS.has(op.method) && ACCOUNT_ACTIONS.has(last.toLowerCase()) && addressesUser(segments.slice(0, -1))) {
    return { reason: `an action on another user's account (${last})`, power: `${last.toLowerCase()} other users` };
  }
  const opWords = op.operationId ? words(op.operationId) : [];
  const onPeople = literalWords.some((w) => USER_COLLECTIONS.has(w));
  if (WRITE_METHODS.has(op.method) && onPeople && (!last.startsWith('{') && op.method === 'delete' || [...literalWords, ...opWords].some((w) => BULK_WORDS.has(w)))) {
    return { reason: 'a bulk operation on users', power: 'change or delete many users at once' };
  }
  if (scoped && op.method === 'delete') return { reason: 'a destructive operation', power: 'delete' };
  return undefined;
}

/** Extensions that name the role or permission an operation needs: `x-roles`, `x-required-permissions`, `x-acl`... */
const ROLE_EXTENSION = /^x-(?!api-sentinel-).*(?:role|permission|privilege|scope|acl|rbac|authori[sz])/i;

/** Whether the operation (or its path item) names the roles or permissions it needs in an extension. */
function declaresRoles(op: Operation): boolean {
  return [op.node, op.pathItem].some((owner) => keyMatching(owner, ROLE_EXTENSION,
    (value) => value !== null && value !== false && !(Array.isArray(value) && value.length === 0) && value !== '') !== undefined);
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
