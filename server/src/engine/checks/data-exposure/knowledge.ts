/**
 * Knowledge the data-exposure checks share: which property names hold secrets or personal data, which a client must
 * not set, and which operations exist to hand out credentials or create objects.
 */
import type { Severity } from '../../types';
import type { FileSet, SpecNode } from '../../spec/load';
import { WRITE_METHODS, type Operation } from '../../spec/model';
import { schemaTypes } from '../../spec/schema';
import { enumValues, isContainer, onlyTypes } from '../../spec/schema-graph';
import { isAuthEndpoint } from '../operation-kinds';
import { words, singular, endsWithWords } from '../words';
import { NOT_CREDENTIAL_TOKENS } from '../credential-names';

/** Identifiers written as one word that name two: `apikey` is `api key`. */
const COMPOUNDS: Record<string, string[]> = {
  apikey: ['api', 'key'], accesstoken: ['access', 'token'], refreshtoken: ['refresh', 'token'],
  authtoken: ['auth', 'token'], idtoken: ['id', 'token'], sessiontoken: ['session', 'token'],
  sessionid: ['session', 'id'], privatekey: ['private', 'key'], secretkey: ['secret', 'key'],
  clientsecret: ['client', 'secret'], passwordhash: ['password', 'hash'], cardnumber: ['card', 'number'],
  isadmin: ['is', 'admin'], ownerid: ['owner', 'id'], createdby: ['created', 'by'], accounttype: ['account', 'type'],
};

/** Plural last words that name the same thing as their singular (`api_keys`, `roles`). */
const PLURALS: Record<string, string> = {
  passwords: 'password', secrets: 'secret', tokens: 'token', keys: 'key', codes: 'code', roles: 'role',
  permissions: 'permission', privileges: 'privilege', scopes: 'scope', credits: 'credit', plans: 'plan', tiers: 'tier',
};

/** The words of a property name, with compounds split and the last word made singular. */
export function nameWords(name: string): string[] {
  const list = words(name).flatMap((w) => COMPOUNDS[w] ?? [w]);
  const last = list.length - 1;
  if (last >= 0 && PLURALS[list[last]]) list[last] = PLURALS[list[last]];
  return list;
}

/** Caches a function of a name: property names repeat across thousands of schemas. */
export function byName<T>(match: (name: string) => T): (name: string) => T {
  const cache = new Map<string, T>();
  return (name) => {
    if (!cache.has(name)) cache.set(name, match(name));
    return cache.get(name)!;
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Sensitive response fields

const DATE_FORMATS = new Set(['date', 'date-time', 'time', 'duration']);

/**
 * Whether a schema can hold a secret value: not a container (see isContainer), a boolean, a date or a closed set of
 * values (`secrets: { enum: [read, write] }` is a permission level).
 */
function holdsValue(files: FileSet, schema: SpecNode): boolean {
  const value = schema.value as Record<string, unknown>;
  if (onlyTypes(schema, ['boolean']) || Array.isArray(value.enum) || 'const' in value) return false;
  if (typeof value.format === 'string' && DATE_FORMATS.has(value.format)) return false;
  return !isContainer(files, schema);
}

/**
 * What a sensitive field holds. `credential`: something that proves identity and is never handed back (passwords,
 * PINs, card security codes). `issued`: a credential the API hands out on purpose when it creates one (tokens, keys,
 * secrets). `personal`: personal or financial data about someone. `configured`: named in `sensitiveFields`.
 */
export type SensitiveKind = 'credential' | 'issued' | 'personal' | 'configured';

interface SensitiveTerm {
  words: string[];
  /** What the field holds, for messages: "a password". */
  label: string;
  kind: SensitiveKind;
  /** Whether the value may be written as a number (a PIN or a card number may; a token or a secret never is). */
  numeric?: boolean;
}

const SENSITIVE_TERMS: SensitiveTerm[] = [
  ...['password', 'passwd', 'passphrase'].map((w) => ({ words: [w], label: 'a password', kind: 'credential' as const })),
  { words: ['pin'], label: 'a PIN', kind: 'credential', numeric: true },
  { words: ['pin', 'code'], label: 'a PIN', kind: 'credential', numeric: true },
  { words: ['pin', 'number'], label: 'a PIN', kind: 'credential', numeric: true },
  ...['cvv', 'cvc', 'cvv2', 'cvc2'].map((w) => ({ words: [w], label: 'a card security code', kind: 'credential' as const, numeric: true })),
  { words: ['card', 'verification', 'code'], label: 'a card security code', kind: 'credential', numeric: true },
  { words: ['card', 'security', 'code'], label: 'a card security code', kind: 'credential', numeric: true },
  { words: ['card', 'number'], label: 'a full card number', kind: 'credential', numeric: true },
  { words: ['primary', 'account', 'number'], label: 'a full card number', kind: 'credential', numeric: true },
  { words: ['security', 'answer'], label: 'a security answer', kind: 'credential' },
  { words: ['secret', 'answer'], label: 'a security answer', kind: 'credential' },
  { words: ['security', 'question', 'answer'], label: 'a security answer', kind: 'credential' },
  { words: ['token'], label: 'a token', kind: 'issued' },
  { words: ['secret'], label: 'a secret', kind: 'issued' },
  ...['api', 'private', 'secret', 'signing', 'encryption', 'master', 'access'].map((w) => ({
    words: [w, 'key'], label: w === 'api' ? 'an API key' : `a ${w} key`, kind: 'issued' as const,
  })),
  { words: ['session', 'id'], label: 'a session identifier', kind: 'issued' },
  { words: ['session', 'key'], label: 'a session key', kind: 'issued' },
  { words: ['otp'], label: 'a one-time password', kind: 'issued', numeric: true },
  { words: ['otp', 'code'], label: 'a one-time password', kind: 'issued', numeric: true },
  { words: ['recovery', 'code'], label: 'MFA recovery codes', kind: 'issued' },
  { words: ['backup', 'code'], label: 'MFA recovery codes', kind: 'issued' },
  { words: ['ssn'], label: 'a social security number', kind: 'personal', numeric: true },
  { words: ['social', 'security', 'number'], label: 'a social security number', kind: 'personal', numeric: true },
  { words: ['national', 'id'], label: 'a national identity number', kind: 'personal', numeric: true },
  { words: ['national', 'id', 'number'], label: 'a national identity number', kind: 'personal', numeric: true },
  { words: ['passport', 'number'], label: 'a passport number', kind: 'personal' },
  { words: ['driver', 'license', 'number'], label: "a driver's license number", kind: 'personal' },
  { words: ['drivers', 'license', 'number'], label: "a driver's license number", kind: 'personal' },
  { words: ['iban'], label: 'a bank account number (IBAN)', kind: 'personal' },
  { words: ['bank', 'account', 'number'], label: 'a bank account number', kind: 'personal', numeric: true },
];

/**
 * The terms by their last word, each list in the order above: a name can only end with a term that ends with its own
 * last word, and a large spec has tens of thousands of names to try against every term.
 */
const TERMS_BY_LAST_WORD = new Map<string, SensitiveTerm[]>();
for (const term of SENSITIVE_TERMS) {
  const last = term.words[term.words.length - 1];
  TERMS_BY_LAST_WORD.set(last, [...(TERMS_BY_LAST_WORD.get(last) ?? []), term]);
}

/** Words after the sensitive one that still describe the same value: `password_hash`, `token_value`, `private_key_pem`. */
const VALUE_SUFFIXES = new Set(['hash', 'hashed', 'digest', 'encrypted', 'ciphertext', 'plain', 'plaintext', 'raw', 'value', 'pem', 'base64', 'b64', 'salt', 'confirmation']);

/** Of those, the ones that make the value a hash of the secret rather than the secret (still a finding, named so). */
const HASH_SUFFIXES = new Set(['hash', 'hashed', 'digest']);

/** First words of flags about a secret rather than the secret itself: `has_password`, `requires_pin`. */
const FLAG_PREFIXES = new Set(['has', 'is', 'was', 'can', 'should', 'must', 'require', 'requires', 'need', 'needs', 'allow', 'allows', 'use', 'uses', 'enable', 'enabled', 'show']);

export interface SensitiveMatch { label: string; kind: SensitiveKind; severity: Severity }

const SEVERITY: Record<SensitiveKind, Severity> = { credential: 'error', issued: 'error', personal: 'warning', configured: 'warning' };

/**
 * What sensitive value a property name says it holds, judged on whole words: `password`, `password_hash` and
 * `refreshToken` match; `password_changed_at`, `has_password`, `token_type`, `card_last4` and `next_page_token` do not.
 * Names in `extraNames` (the `sensitiveFields` setting) match when the name ends with their words.
 */
export function sensitiveName(name: string, extraNames: readonly string[]): (SensitiveMatch & { numeric: boolean }) | undefined {
  const all = nameWords(name);
  if (FLAG_PREFIXES.has(all[0])) return undefined;
  for (const extra of extraNames) {
    if (endsWithWords(all, nameWords(extra))) return { label: `'${extra}' data`, kind: 'configured', severity: SEVERITY.configured, numeric: true };
  }
  const list = [...all];
  let hashed = false;
  while (list.length > 1 && VALUE_SUFFIXES.has(list[list.length - 1])) hashed = HASH_SUFFIXES.has(list.pop()!) || hashed;
  for (const term of TERMS_BY_LAST_WORD.get(list[list.length - 1]) ?? []) {
    if (!endsWithWords(list, term.words)) continue;
    if (term.words[0] === 'token' && NOT_CREDENTIAL_TOKENS.has(list[list.length - 2])) continue;
    const label = hashed ? `a hash of ${term.label}` : term.label;
    return { label, kind: term.kind, severity: SEVERITY[term.kind], numeric: term.numeric === true };
  }
  return undefined;
}

/**
 * Whether a property with a sensitive name really holds the value: its schema can hold one (see holdsValue), and
 * it is not a number unless the value may be numeric (`max_tokens` is a count, a PIN may be a number).
 */
export function holdsSensitiveValue(files: FileSet, match: { numeric: boolean }, schema: SpecNode): boolean {
  return holdsValue(files, schema) && (match.numeric || !onlyTypes(schema, ['integer', 'number']));
}

// ---------------------------------------------------------------------------------------------------------------
// Other people's details

/** Nouns of properties that embed someone other than the caller: the author of a post, the members of a group. */
const PARTY_WORDS = new Set([
  'author', 'owner', 'creator', 'sender', 'recipient', 'receiver', 'reviewer', 'commenter', 'member', 'participant',
  'attendee', 'follower', 'following', 'friend', 'seller', 'assignee', 'reporter', 'approver', 'host', 'organizer',
  'inviter', 'invitee', 'collaborator', 'poster', 'uploader', 'requester', 'mentioned', 'contributor', 'subscriber',
]);

/** Whether a property embeds another party: `author`, `members`, `created_by`, `lastReviewer`. */
export function namesParty(name: string): boolean {
  const list = words(name);
  const last = list[list.length - 1];
  return last !== undefined && (PARTY_WORDS.has(singular(last)) || (last === 'by' && list.length > 1));
}

/** The contact and identity details a party's schema may carry, by the words its property names end with. */
const DETAILS: { words: string[]; label: string }[] = [
  ...[['email'], ['email', 'address'], ['mail']].map((w) => ({ words: w, label: 'email address' })),
  ...[['phone'], ['phone', 'number'], ['mobile'], ['mobile', 'number'], ['telephone'], ['cell', 'phone']].map((w) => ({ words: w, label: 'phone number' })),
  ...[['address'], ['street'], ['street', 'address'], ['home', 'address'], ['postal', 'address'], ['mailing', 'address'], ['shipping', 'address'], ['billing', 'address']]
    .map((w) => ({ words: w, label: 'postal address' })),
  ...[['dob'], ['birthdate'], ['birthday'], ['birth', 'date'], ['date', 'of', 'birth']].map((w) => ({ words: w, label: 'date of birth' })),
  ...[['latitude'], ['longitude'], ['lat'], ['lng'], ['lon'], ['coordinates'], ['geolocation'], ['geo', 'location'], ['gps']]
    .map((w) => ({ words: w, label: 'precise location' })),
];
/** Words before `address` that make it something other than where someone lives: `ip_address`, `wallet_address`. */
const NOT_POSTAL = new Set(['ip', 'mac', 'email', 'wallet', 'contract', 'web', 'server', 'network', 'remote', 'local', 'public', 'private', 'bitcoin', 'eth']);

/** What contact or identity detail a property name says it holds: "email address", "phone number", ...; undefined for others. */
export function contactDetail(name: string): string | undefined {
  const list = nameWords(name);
  if (FLAG_PREFIXES.has(list[0])) return undefined;
  const detail = DETAILS.find((d) => endsWithWords(list, d.words));
  if (!detail) return undefined;
  if (detail.label === 'postal address' && NOT_POSTAL.has(list[list.length - 2])) return undefined;
  return detail.label;
}

// ---------------------------------------------------------------------------------------------------------------
// Fields a client must not set

export interface PrivilegedTerm {
  words: string[];
  /** What setting it does, for messages: "give themselves a role". */
  effect: string;
  /** Path words that make the field the operation's own subject (`PUT /users/{id}/roles` sets `roles` on purpose). */
  subjects: readonly string[];
  /**
   * Path words that do so only below a path parameter: `/orgs/{org}/members/{user}` manages a membership, while
   * `POST /members` creates a user like any other.
   */
  nestedSubjects?: readonly string[];
  /** The value types that set it: a string `price` is the id of a price the client picks, not an amount. */
  types?: readonly string[];
  /** When the value is an enum, a word of one of its values must be here: `role: [admin, member]` is a privilege, `[buyer, seller]` is not. */
  values?: ReadonlySet<string>;
}

const ACCESS_SUBJECTS = ['role', 'permission', 'privilege', 'scope', 'grant', 'acl', 'policy', 'team'];
const ACCESS_NESTED_SUBJECTS = ['member', 'membership', 'collaborator', 'invitation', 'invite', 'access'];
const OWNER_SUBJECTS = ['owner', 'ownership', 'transfer'];
const VERIFY_SUBJECTS = ['verify', 'verification', 'confirm', 'confirmation'];
const PLAN_SUBJECTS = ['plan', 'tier', 'subscription', 'billing', 'upgrade', 'downgrade'];
const MONEY_SUBJECTS = ['balance', 'credit', 'payment', 'price', 'pricing', 'refund', 'adjustment'];

const PRIVILEGED_VALUES = new Set(['admin', 'administrator', 'owner', 'superuser', 'super', 'root', 'manage', 'manager', 'maintain', 'maintainer', 'write', 'edit', 'editor', 'full', 'all', '*']);
const PLAN_VALUES = new Set(['free', 'basic', 'pro', 'premium', 'plus', 'enterprise', 'business', 'team', 'trial', 'paid', 'standard', 'starter', 'gold', 'silver', 'platinum', 'vip', 'unlimited']);
const SCALARS = ['string', 'integer', 'number'];

const term = (list: string[][], effect: string, subjects: readonly string[], extra: Partial<PrivilegedTerm> = {}): PrivilegedTerm[] =>
  list.map((words) => ({ words, effect, subjects, ...extra }));

const PRIVILEGED_TERMS: PrivilegedTerm[] = [
  ...term([['role'], ['role', 'id'], ['role', 'ids']], 'give themselves a role', ACCESS_SUBJECTS, { nestedSubjects: ACCESS_NESTED_SUBJECTS, values: PRIVILEGED_VALUES }),
  ...term([['admin'], ['superuser'], ['super', 'user'], ['staff']], 'make themselves an administrator', ACCESS_SUBJECTS, { nestedSubjects: ACCESS_NESTED_SUBJECTS, types: ['boolean'] }),
  ...term([['permission'], ['privilege']], 'grant themselves permissions', ACCESS_SUBJECTS, { nestedSubjects: ACCESS_NESTED_SUBJECTS, values: PRIVILEGED_VALUES }),
  // a `scope` string is usually the reach of a rule; only a list of scopes grants anything
  ...term([['scope']], 'grant themselves permissions', ACCESS_SUBJECTS, { nestedSubjects: ACCESS_NESTED_SUBJECTS, types: ['array'], values: PRIVILEGED_VALUES }),
  ...term([['owner'], ['owner', 'id'], ['created', 'by'], ['created', 'by', 'id'], ['creator', 'id']], 'take over the object by naming its owner', OWNER_SUBJECTS, { types: SCALARS }),
  ...term([['verified'], ['email', 'confirmed'], ['phone', 'confirmed']], 'mark themselves as verified', VERIFY_SUBJECTS, { types: ['boolean'] }),
  ...term([['plan'], ['plan', 'id'], ['tier'], ['account', 'type'], ['account', 'tier']], 'pick their own plan', PLAN_SUBJECTS, { types: SCALARS, values: PLAN_VALUES }),
  ...term([['balance'], ['credit']], 'set their own balance', MONEY_SUBJECTS, { types: ['integer', 'number'] }),
  ...term([['amount', 'paid'], ['paid', 'amount']], 'say how much they paid', MONEY_SUBJECTS, { types: ['integer', 'number'] }),
  ...term([['paid']], 'mark an order as paid', MONEY_SUBJECTS, { types: ['boolean'] }),
  ...term([['price'], ['unit', 'price'], ['total', 'price'], ['total', 'amount']], 'set the price they pay', MONEY_SUBJECTS, { types: ['integer', 'number'] }),
];

/** First words of names that configure others, not the caller: `default_repository_permission`, `default_role`. */
const SETTING_PREFIXES = new Set(['default', 'required', 'min', 'max', 'minimum', 'maximum', 'allowed']);

/** The privilege a property name says a client would set: roles, admin flags, ownership, verification, plan, money. */
export function privilegedName(name: string): PrivilegedTerm | undefined {
  const list = nameWords(name);
  if (SETTING_PREFIXES.has(list[0])) return undefined;
  if (list[0] === 'is' && list.length > 1) list.shift();
  return PRIVILEGED_TERMS.find((t) => endsWithWords(list, t.words));
}

/**
 * Whether a property with a privileged name really sets the privilege: it is a value of the expected type (untyped
 * counts), not a container of other fields, and, when it is an enum, one of its values is privileged.
 */
export function setsPrivilege(files: FileSet, term: PrivilegedTerm, schema: SpecNode): boolean {
  const types = schemaTypes(schema).filter((t) => t !== 'null');
  if (term.types && types.length > 0 && !types.every((t) => term.types!.includes(t))) return false;
  if (isContainer(files, schema)) return false;
  const values = term.values && enumValues(files, schema);
  return !values || values.length === 0 || values.some((v) => v === '*' || words(v).some((w) => term.values!.has(w)));
}

/**
 * Whether the privileged field is what the operation exists to set: `roles` on `PUT /users/{id}/roles`, `role` on
 * `PUT /orgs/{org}/memberships/{user}`, `plan` on `POST /subscriptions`.
 */
export function isOperationSubject(term: PrivilegedTerm, op: Operation): boolean {
  let nested = false;
  for (const segment of op.path.split('/')) {
    if (segment.startsWith('{')) { nested = true; continue; }
    for (const w of words(segment).map(singular)) {
      if (term.subjects.includes(w) || (nested && term.nestedSubjects?.includes(w))) return true;
    }
  }
  return false;
}

// ---------------------------------------------------------------------------------------------------------------
// Operations

/** Words of path segments naming credentials: an operation that writes there creates or rotates one. */
const CREDENTIAL_PATH_WORDS = new Set(['token', 'key', 'apikey', 'secret', 'credential', 'session', 'authorization', 'oauth']);

/**
 * An operation whose purpose is to hand out or scope a credential: a login or token endpoint, or a write to a token,
 * key, secret, credential or OAuth authorization resource (`POST /app/installations/{id}/access_tokens`,
 * `PUT /user/tokens/{id}/value`, `POST /authorizations`).
 */
export function issuesCredentials(op: Operation): boolean {
  if (isAuthEndpoint(op)) return true;
  if (!WRITE_METHODS.has(op.method) || op.method === 'delete') return false;
  for (const w of pathWords(op)) if (CREDENTIAL_PATH_WORDS.has(w)) return true;
  return false;
}

/** A POST that creates an object: it answers 201, or posts to a collection (`POST /webhooks`). */
export function createsObject(op: Operation): boolean {
  return op.method === 'post' && (op.responses.some((r) => r.status === '201') || !op.path.endsWith('}'));
}

/** The static words of an operation's path, singular: `/orgs/{org}/memberships/{username}` gives org, membership. */
function pathWords(op: Operation): Set<string> {
  const result = new Set<string>();
  for (const segment of op.path.split('/')) {
    if (segment === '' || segment.startsWith('{')) continue;
    for (const w of words(segment)) result.add(singular(w));
  }
  return result;
}

