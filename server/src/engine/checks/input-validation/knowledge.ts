/**
 * What the input-validation checks know about the values clients send: which fields take a URL and what the server
 * does with it, and which strings hold free text or secrets.
 */
import type { FileSet, SpecNode } from '../../spec/load';
import { child, isObject, type Operation } from '../../spec/model';
import { schemaTypes } from '../../spec/schema';
import { someSampleIs } from '../../spec/literal';
import { isAuthEndpoint } from '../operation-kinds';
import { words } from '../words';
import { TEXT_WORDS, URL_WORDS } from '../field-names';

/** What happens to a URL a client sends: the server calls it back, sends users to it, or may fetch it. */
export type UrlUse = 'callback' | 'redirect' | 'fetch';

/** Words that say the server calls the URL later: webhooks, callbacks, notification endpoints. */
const CALLBACK_WORDS = new Set(['webhook', 'webhooks', 'callback', 'callbacks', 'hook', 'hooks', 'notify', 'notification', 'notifications', 'postback', 'ping']);
/** Words that say users are sent to the URL: redirects and where to go after a flow. */
const REDIRECT_WORDS = new Set(['redirect', 'return', 'success', 'cancel', 'failure', 'continue', 'next', 'goto', 'back']);
/** Names that hold a URL only sometimes (`next` is often a page cursor, `target` a log destination): they need other evidence. */
const WEAK_NAMES = new Set(['next', 'continue', 'goto', 'target', 'dest', 'destination', 'return', 'forward']);
/** Last words that make a redirect or callback word name the place itself: `return_to`, `redirect_target`. */
const PLACE_WORDS = new Set(['to', 'target', 'location', 'destination']);
/** Last words that describe a URL field rather than hold the URL: `callback_id`, `webhook_secret`, `redirect_enabled`. */
const NOT_URL_WORDS = new Set(['id', 'ids', 'secret', 'token', 'type', 'types', 'enabled', 'events', 'event', 'count', 'status', 'method', 'mode', 'name', 'version', 'headers', 'timeout', 'retries', 'format']);
/** Formats that declare an absolute URL (a `uri-reference` is as often a path or a query string). */
const URL_FORMATS = new Set(['uri', 'url', 'iri']);

/**
 * What the server does with the URL a request field takes, when it takes one: named as a URL (`callback_url`,
 * `redirect_uri`, `webhook`, `avatar_href`), declared as one (`format: uri`), illustrated as one (an http(s) example
 * or default), or named like a redirect target (`next`, `return_to`) with one of those signs or in a sign-in flow.
 * Only strings (or lists of strings) that no enum, const or host-pinning pattern restricts count.
 */
export function urlUse(files: FileSet, op: Operation, name: string, declared: SpecNode | undefined, parameter?: SpecNode): UrlUse | undefined {
  const schema = stringSchema(files, declared);
  if (!schema || isRestricted(schema)) return undefined;
  const said = urlName(name);
  if (!said) return undefined;
  const format = (schema.value as Record<string, unknown>).format;
  const declaredUrl = typeof format === 'string' && URL_FORMATS.has(format.toLowerCase());
  // the samples are read last: most strings are told apart by their name or format alone
  if (!said.named && !declaredUrl && !(said.weak && inSignInFlow(op)) && !samplesUrl(declared) && !samplesUrl(schema) && !samplesUrl(parameter)) return undefined;
  if (said.callback) return 'callback';
  if (said.redirect || (said.weak && inSignInFlow(op))) return 'redirect';
  // a plain `url` on a webhook resource is the address the server will call
  return op.path.toLowerCase().split(/[^a-z]+/).some((w) => CALLBACK_WORDS.has(w)) ? 'callback' : 'fetch';
}

/** What a field's name says about a URL it may take (undefined: a name that describes a URL field rather than holds one). */
interface UrlName {
  /** Named as a URL, or as the place a redirect or callback goes to. */
  named: boolean;
  /** A name that holds a URL only with other evidence (WEAK_NAMES). */
  weak: boolean;
  callback: boolean;
  redirect: boolean;
}

/**
 * A judgement of a field's name, made once per name: thousands of fields share a few hundred names, and an edit
 * judges every field again. Names are plain strings, so a judgement reads nothing a check must record.
 */
function byName<V>(judge: (name: string) => V): (name: string) => V {
  const judged = new Map<string, V>();
  return (name) => {
    if (judged.has(name)) return judged.get(name) as V;
    const value = judge(name);
    // a language server reads spec after spec: the names of the specs read long ago are let go
    if (judged.size > 50_000) judged.clear();
    judged.set(name, value);
    return value;
  };
}

const urlName = byName((name) => nameSays(words(name)));

function nameSays(nameWords: readonly string[]): UrlName | undefined {
  const last = nameWords[nameWords.length - 1];
  if (!last || NOT_URL_WORDS.has(last)) return undefined;
  const callback = nameWords.some((w) => CALLBACK_WORDS.has(w));
  const redirect = nameWords.some((w) => REDIRECT_WORDS.has(w));
  const named = URL_WORDS.has(last) || (nameWords.length > 1 && PLACE_WORDS.has(last) && (redirect || callback));
  return { named, weak: WEAK_NAMES.has(nameWords.join('')), callback, redirect };
}

/** Path words of sign-in and sign-out flows, where `next` and `continue` are where the user goes afterwards. */
const SIGN_IN_WORDS = new Set(['login', 'logout', 'signin', 'signout', 'sso', 'oauth', 'oauth2', 'authorize', 'auth', 'saml', 'session', 'sessions']);

/** An authentication endpoint, or any operation of a sign-in or sign-out flow (`GET /logout?next=`). */
function inSignInFlow(op: Operation): boolean {
  return isAuthEndpoint(op) || op.path.toLowerCase().split(/[^a-z0-9]+/).some((w) => SIGN_IN_WORDS.has(w));
}

/** The string schema of a field, or of its items for a list; undefined for anything else. */
function stringSchema(files: FileSet, schema: SpecNode | undefined): SpecNode | undefined {
  if (!schema || !isObject(schema.value)) return undefined;
  const types = schemaTypes(schema);
  if (types.includes('array')) {
    const itemsSite = child(schema, 'items');
    return stringSchema(files, itemsSite && files.deref(itemsSite));
  }
  return types.includes('string') ? schema : undefined;
}

/** An enum or const, or a pattern that pins the scheme and host (`^https://hooks\.example\.com/`): no URL is free. */
function isRestricted(schema: SpecNode): boolean {
  const value = schema.value as Record<string, unknown>;
  if (Array.isArray(value.enum) || 'const' in value) return true;
  return typeof value.pattern === 'string' && /^\^https?\??:(?:\\?\/){2}[a-z0-9]/i.test(value.pattern);
}

const ABSOLUTE_URL = /^https?:\/\//i;
const isAbsoluteUrl = (sample: unknown) => typeof sample === 'string' && ABSOLUTE_URL.test(sample);

/** Whether an example or default written on a node (a schema, or a parameter's own examples) is an http(s) URL. */
function samplesUrl(node: SpecNode | undefined): boolean {
  return someSampleIs(node, isAbsoluteUrl);
}

/** Words of names whose values people write freely: names, titles, labels, questions, search terms. */
const HUMAN_WORDS = new Set([
  'name', 'names', 'title', 'titles', 'label', 'labels', 'subject', 'caption', 'headline', 'nickname', 'alias',
  'question', 'answer', 'search', 'query', 'q', 'keyword', 'keywords', 'term', 'terms', 'phrase',
]);
/** Words of names that hold secrets: a pattern or format would only describe them to whoever guesses them. */
const SECRET_WORDS = new Set(['password', 'passwd', 'passphrase', 'secret', 'token', 'pin', 'otp']);

/**
 * Whether a string named so is written freely by people (a description, a comment, a name, a search term) or is a
 * secret: no format or pattern can describe it, so its content is not asked for.
 */
export const takesAnyText = byName((name) => words(name).some((w) => TEXT_WORDS.has(w) || HUMAN_WORDS.has(w) || SECRET_WORDS.has(w)));
