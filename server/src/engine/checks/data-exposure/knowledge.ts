/**
 * Knowledge the data-exposure checks share: which property names hold secrets or personal data, which a client must
 * not set, which responses carry the success body, and which operations exist to hand out credentials.
 */
import type { Severity, OperationRef } from '../../types';
import type { FileSet, SpecNode } from '../../spec/load';
import { child, entries, isObject, items, WRITE_METHODS, type Operation, type Response } from '../../spec/model';
import { schemaTypes, walkSchemas } from '../../spec/schema';
import { isAuthEndpoint, words } from '../support';

const COMPOSITIONS = ['allOf', 'oneOf', 'anyOf'] as const;

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

function endsWith(list: string[], tail: string[]): boolean {
  if (tail.length === 0 || tail.length > list.length) return false;
  const offset = list.length - tail.length;
  return tail.every((w, i) => list[offset + i] === w);
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
// Schemas

/** Whether every type the schema declares is one of `allowed` (`null` aside); false when it declares none. */
function onlyTypes(schema: SpecNode, allowed: readonly string[]): boolean {
  const types = schemaTypes(schema).filter((t) => t !== 'null');
  return types.length > 0 && types.every((t) => allowed.includes(t));
}

/** An object schema holds other fields, not a value: its properties are judged on their own. */
export function isObjectSchema(schema: SpecNode): boolean {
  const value = schema.value as Record<string, unknown>;
  return schemaTypes(schema).includes('object') || isObject(value.properties);
}

/**
 * Whether a schema holds other fields rather than one value: an object, an array of objects, or a composition with
 * an object among its parts (`anyOf: [string id, expanded object]`). Its own properties are judged on their own.
 */
export function isContainer(files: FileSet, schema: SpecNode): boolean {
  if (isObjectSchema(schema)) return true;
  const parts = [child(schema, 'items'), ...COMPOSITIONS.flatMap((key) => items(child(schema, key)))];
  return parts.some((part) => {
    const resolved = part && resolve(files, part);
    return resolved !== undefined && isObject(resolved.value) && isObjectSchema(resolved);
  });
}

/** The string values a schema (or its items, for an array) is limited to, if it has an `enum`. */
function enumValues(files: FileSet, schema: SpecNode): string[] | undefined {
  const itemsSite = child(schema, 'items');
  const target = itemsSite ? resolve(files, itemsSite) : schema;
  const values = target && isObject(target.value) ? target.value.enum : undefined;
  return Array.isArray(values) ? values.filter((v): v is string => typeof v === 'string') : undefined;
}

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

/** A property as declared in a schema: where it is written, and its schema. */
export interface Declaration {
  /** The property's key under `properties` (where a fix edits it). */
  site: SpecNode;
  /** Its schema, refs followed. */
  schema: SpecNode;
}

export interface PropertySite<M> extends Declaration {
  name: string;
  /** What the name matched. */
  match: M;
}

/** The properties of a schema whose names `select` matches (names are tested before any ref is followed). */
export function selectProperties<M>(files: FileSet, schema: SpecNode, select: (name: string) => M | undefined): PropertySite<M>[] {
  const found: PropertySite<M>[] = [];
  const properties = child(schema, 'properties');
  if (!properties || !isObject(properties.value)) return found;
  for (const name of Object.keys(properties.value)) {
    const match = select(name);
    if (match === undefined) continue;
    const site = child(properties, name)!;
    const property = resolve(files, site);
    if (property && isObject(property.value)) found.push({ name, site, schema: property, match });
  }
  return found;
}

/** Targets of `$ref` strings by the file they are written in, per analysis: specs repeat the same refs thousands of times. */
const refTargets = new WeakMap<FileSet, WeakMap<object, Map<string, SpecNode | undefined>>>();

/**
 * A node with its `$ref`s followed, like `FileSet.deref`, for the hot path of walking every schema of a large spec:
 * inline schemas (most of them) are returned as they are, and each ref string is resolved once per file.
 */
export function resolve(files: FileSet, node: SpecNode): SpecNode | undefined {
  const value = node.value;
  if (!isObject(value) || typeof value.$ref !== 'string') return node;
  let byFile = refTargets.get(files);
  if (!byFile) refTargets.set(files, (byFile = new WeakMap()));
  let targets = byFile.get(node.file);
  if (!targets) byFile.set(node.file, (targets = new Map()));
  if (!targets.has(value.$ref)) targets.set(value.$ref, files.deref(node));
  return targets.get(value.$ref);
}

/** Whether a schema value is made of other schemas (properties, items, compositions, a schema for additionalProperties). */
function composite(value: Record<string, unknown>): boolean {
  return value.properties !== undefined || value.items !== undefined || value.allOf !== undefined
    || value.oneOf !== undefined || value.anyOf !== undefined || isObject(value.additionalProperties);
}

/** Where a schema writes its subschemas: containers and their keys (properties, items, compositions, additionalProperties). */
function subschemaSites(schema: SpecNode): [container: SpecNode, keys: (string | number)[]][] {
  const value = schema.value as Record<string, unknown>;
  const sites: [SpecNode, (string | number)[]][] = [];
  if (isObject(value.properties)) sites.push([child(schema, 'properties')!, Object.keys(value.properties)]);
  if (Array.isArray(value.items)) sites.push([child(schema, 'items')!, value.items.map((_, i) => i)]);
  else if (value.items !== undefined) sites.push([schema, ['items']]);
  for (const key of COMPOSITIONS) {
    const list = value[key];
    if (Array.isArray(list)) sites.push([child(schema, key)!, list.map((_, i) => i)]);
  }
  if (isObject(value.additionalProperties)) sites.push([schema, ['additionalProperties']]);
  return sites;
}

/**
 * The schemas a schema is made of, refs followed. With `leaves` false, inline schemas made of nothing else (a
 * `{type: string}` property) are left out before any node is built for them: most schemas of a spec are such leaves.
 */
function subschemas(files: FileSet, schema: SpecNode, leaves: boolean): SpecNode[] {
  const result: SpecNode[] = [];
  for (const [container, keys] of subschemaSites(schema)) {
    const values = container.value as Record<string | number, unknown>;
    for (const key of keys) {
      const value = values[key];
      if (!isObject(value) || (!leaves && typeof value.$ref !== 'string' && !composite(value))) continue;
      const resolved = resolve(files, child(container, key)!);
      if (resolved && isObject(resolved.value) && (leaves || composite(resolved.value))) result.push(resolved);
    }
  }
  return result;
}

/** Tarjan bookkeeping of one schema during `SchemaReach.of`. */
interface Visit { node: SpecNode; index: number; low: number; children: SpecNode[]; next: number; onStack: boolean }

const NOTHING: never[] = [];

/**
 * What each schema reaches: the union of `own(schema)` over every schema reachable from it, computed once per schema
 * for the whole analysis, so that operations sharing components do not walk them again. Schemas that reach each
 * other (recursive ones, and Stripe-style expandable objects where most components reach most others) form one
 * strongly connected group that shares one answer (Tarjan's algorithm, iterative: no recursion over the document).
 */
export class SchemaReach<T> {
  private readonly done = new Map<object, readonly T[]>();

  constructor(
    private readonly files: FileSet,
    /** What a schema contributes by itself; called once per schema. */
    private readonly own: (schema: SpecNode) => T[],
    /** Schemas that count as absent, with everything below them (a writeOnly property in a response). */
    private readonly absent: (schema: SpecNode) => boolean,
    /** Whether `own` needs schemas made of nothing else; when it reads only owners' properties, leaves are skipped. */
    private readonly leaves: boolean,
  ) {}

  /** Everything `own` gives for `root` and every schema below it. */
  of(root: SpecNode): readonly T[] {
    const start = resolve(this.files, root);
    if (!start || !isObject(start.value) || this.absent(start)) return NOTHING;
    const known = this.done.get(start.value);
    if (known) return known;
    const visits = new Map<object, Visit>();
    const stack: Visit[] = [];
    const path: Visit[] = [];
    const open = (node: SpecNode) => {
      const visit: Visit = {
        node, index: visits.size, low: visits.size, next: 0, onStack: true,
        children: subschemas(this.files, node, this.leaves).filter((s) => !this.absent(s)),
      };
      visits.set(node.value as object, visit);
      stack.push(visit);
      path.push(visit);
    };
    open(start);
    while (path.length > 0) {
      const visit = path[path.length - 1];
      if (visit.next < visit.children.length) {
        const next = visit.children[visit.next++];
        if (this.done.has(next.value as object)) continue;
        const seen = visits.get(next.value as object);
        if (!seen) open(next);
        else if (seen.onStack) visit.low = Math.min(visit.low, seen.index);
        continue;
      }
      path.pop();
      const parent = path[path.length - 1];
      if (parent) parent.low = Math.min(parent.low, visit.low);
      if (visit.low !== visit.index) continue;
      const members: Visit[] = [];
      let member: Visit;
      do {
        member = stack.pop()!;
        member.onStack = false;
        members.push(member);
      } while (member !== visit);
      const result = this.union(members);
      for (const m of members) this.done.set(m.node.value as object, result);
    }
    return this.done.get(start.value)!;
  }

  /** What a group of schemas reaches: their own items and what their children outside the group reach. */
  private union(members: Visit[]): readonly T[] {
    const parts: (readonly T[])[] = [];
    for (const m of members) {
      const own = this.own(m.node);
      if (own.length > 0) parts.push(own);
      for (const c of m.children) {
        const reached = this.done.get(c.value as object);
        if (reached && reached.length > 0 && !parts.includes(reached)) parts.push(reached);
      }
    }
    // most schemas reach nothing new: share the one answer below them instead of copying it
    if (parts.length <= 1) return parts[0] ?? NOTHING;
    return [...new Set(parts.flat())];
  }
}

/**
 * The properties a schema declares, by name: its own and those of its `allOf` parts (nested ones too), refs followed.
 * A name declared by several parts lists every declaration.
 */
export function declaredProperties(files: FileSet, schema: SpecNode): Map<string, Declaration[]> {
  const declared = new Map<string, Declaration[]>();
  const seen = new Set<unknown>();
  const pending: SpecNode[] = [schema];
  while (pending.length > 0) {
    const part = resolve(files, pending.pop()!);
    if (!part || !isObject(part.value) || seen.has(part.value)) continue;
    seen.add(part.value);
    for (const [name, site] of entries(child(part, 'properties'))) {
      const property = resolve(files, site);
      if (property && isObject(property.value)) declared.set(name, [...(declared.get(name) ?? []), { site, schema: property }]);
    }
    pending.push(...items(child(part, 'allOf')));
  }
  return declared;
}

/** Whether any schema reachable from `schema` marks a property readOnly or writeOnly: it already tells directions apart. */
export function separatesDirections(files: FileSet, schema: SpecNode): boolean {
  let found = false;
  walkSchemas(files, schema, ({ schema: s }) => {
    const value = s.value as Record<string, unknown>;
    if (value.readOnly === true || value.writeOnly === true) found = true;
    return found ? 'skip' : undefined;
  });
  return found;
}

// ---------------------------------------------------------------------------------------------------------------
// Sensitive response fields

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

/** Words after the sensitive one that still describe the same value: `password_hash`, `token_value`, `private_key_pem`. */
const VALUE_SUFFIXES = new Set(['hash', 'hashed', 'digest', 'encrypted', 'ciphertext', 'plain', 'plaintext', 'raw', 'value', 'pem', 'base64', 'b64', 'salt', 'confirmation']);

/** Of those, the ones that make the value a hash of the secret rather than the secret (still a finding, named so). */
const HASH_SUFFIXES = new Set(['hash', 'hashed', 'digest']);

/** First words of flags about a secret rather than the secret itself: `has_password`, `requires_pin`. */
const FLAG_PREFIXES = new Set(['has', 'is', 'was', 'can', 'should', 'must', 'require', 'requires', 'need', 'needs', 'allow', 'allows', 'use', 'uses', 'enable', 'enabled', 'show']);

/** Tokens that grant nothing: pagination cursors, CSRF tokens. */
const HARMLESS_TOKENS = new Set(['page', 'next', 'prev', 'previous', 'continuation', 'pagination', 'cursor', 'sync', 'resume', 'idempotency', 'csrf', 'xsrf']);

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
    if (endsWith(all, nameWords(extra))) return { label: `'${extra}' data`, kind: 'configured', severity: SEVERITY.configured, numeric: true };
  }
  const list = [...all];
  let hashed = false;
  while (list.length > 1 && VALUE_SUFFIXES.has(list[list.length - 1])) hashed = HASH_SUFFIXES.has(list.pop()!) || hashed;
  for (const term of SENSITIVE_TERMS) {
    if (!endsWith(list, term.words)) continue;
    if (term.words[0] === 'token' && HARMLESS_TOKENS.has(list[list.length - 2])) continue;
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
  return PRIVILEGED_TERMS.find((t) => endsWith(list, t.words));
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
// Operations and responses

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

/** Whether a path segment of the operation is `admin` (or `admins`, `administration`): an administrators' API. */
export function isAdminOperation(op: Operation): boolean {
  for (const w of pathWords(op)) if (w === 'admin' || w === 'administration') return true;
  return false;
}

/**
 * The responses that carry the success body: every 2xx (or 2XX); `default` only when the operation declares no
 * 2xx, because next to explicit successes `default` describes the errors.
 */
export function successResponses(op: Operation): Response[] {
  const ok = op.responses.filter((r) => /^2(?:\d\d|XX)$/i.test(r.status));
  return ok.length > 0 ? ok : op.responses.filter((r) => r.status === 'default');
}

/** `application/json`, `application/problem+json`, `application/vnd.github.v3+json; charset=utf-8`. */
export function isJsonMediaType(mediaType: string): boolean {
  return /^application\/(?:[\w.-]+\+)?json\s*(?:;|$)/i.test(mediaType.trim());
}

/** A path word made singular: `memberships` gives `membership`. */
function singular(word: string): string {
  return word.length > 3 && word.endsWith('s') && !word.endsWith('ss') ? word.slice(0, -1) : word;
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

/** Adds `op` to the operations kept for `key`, once (operations are visited one after the other). */
export function addOperation<K>(map: Map<K, Operation[]>, key: K, op: Operation): void {
  const list = map.get(key);
  if (!list) map.set(key, [op]);
  else if (list[list.length - 1] !== op) list.push(op);
}

/** "GET /a", "GET /a and POST /b", "GET /a, POST /b and 3 more operations". */
export function listOperations(operations: readonly OperationRef[]): string {
  const labels = operations.map((o) => `${o.method} ${o.path}`);
  if (labels.length <= 2) return labels.join(' and ');
  if (labels.length === 3) return `${labels[0]}, ${labels[1]} and ${labels[2]}`;
  return `${labels[0]}, ${labels[1]} and ${labels.length - 2} more operations`;
}
