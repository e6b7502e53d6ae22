import type { Check } from '../check';
import { child, stringValue, type Operation, type Parameter } from '../../spec/model';
import { replaceScalar } from '../../edit/edits';
import { listOperations, usage } from '../report';
import { words, endsWithWords } from '../words';
import { NOT_CREDENTIAL_TOKENS } from '../credential-names';
import { lowerString, schemeUsers } from './knowledge';

export const authCredentialsInUrl: Check = {
  meta: {
    id: 'auth-credentials-in-url',
    family: 'auth',
    needs: ['spec'],
    owasp: ['API2:2023'],
    cwe: ['CWE-598', 'CWE-522'],
    severity: 'warning',
    description: 'An API key scheme sends its key in the query string, or a query or path parameter carries a credential (API key, access token, session id) or a password or secret.',
    rationale: 'Query strings and paths are written to web server, proxy and CDN logs, kept in browser history and sent to other sites in Referer headers, so a credential in the URL leaks to everyone who can read those; a leaked password or client secret gives lasting access.',
    fix: 'Send credentials in a header (`Authorization`, or an API key header with `in: header`) and secrets in the request body of a POST; never in the query string or path.',
  },
  run(ctx) {
    function reportParameter(param: Parameter, kind: Credential, op: Operation) {
      const nameNode = child(param.node, 'name');
      if (!nameNode) return;
      const what = kind === 'secret' ? 'a password or secret' : 'a credential';
      // a parameter written outside the operation (path item, components, another file) is reported once, where it is written
      const site = { at: nameNode, part: 'value' as const };
      ctx.report({
        ...site, severity: kind === 'secret' ? 'error' : 'warning', operations: [op], related: usage(op, site, 'uses this parameter'),
        message: (ops) => `${param.in === 'query' ? 'Query' : 'Path'} parameter '${param.name}' of ${listOperations(ops)} puts ${what} in the URL: ${WHY_URL}.`,
      });
    }

    // the same few names (page, per_page, owner) recur on every operation: classify each once
    const kinds = new Map<string, Credential | undefined>();
    const kindOf = (name: string) => {
      if (!kinds.has(name)) kinds.set(name, credentialKind(name));
      return kinds.get(name);
    };

    for (const doc of ctx.documents) {
      const users = schemeUsers(doc);
      for (const [name, scheme] of doc.securitySchemes) {
        if (lowerString(scheme, 'type') !== 'apikey' || lowerString(scheme, 'in') !== 'query') continue;
        const keyName = stringValue(scheme, 'name');
        const location = child(scheme, 'in')!;
        // the key keeps its name; servers and clients must then read and send it as a header
        const toHeader = { title: 'Send the key in a header (in: header)', kind: 'suggestion' as const,
          edits: [replaceScalar(location.file, location.file.spanOf(scheme.value as object, 'in', 'value'), 'header')] };
        ctx.report({ at: location, part: 'value', operations: users.get(name) ?? [], fixes: [toHeader],
          message: `API key scheme '${name}' sends its key${keyName ? ` '${keyName}'` : ''} in the query string: ${WHY_URL}.` });
      }
      for (const op of doc.operations) {
        for (const param of op.parameters) {
          if (param.in !== 'query' && param.in !== 'path') continue;
          const kind = kindOf(param.name);
          if (!kind || (param.in === 'path' && namesCollectionItem(op.path, param.name))) continue;
          reportParameter(param, kind, op);
        }
      }
    }
  },
};

type Credential = 'secret' | 'credential';

const SECRET_WORDS = new Set(['password', 'passwd', 'passphrase', 'passcode', 'pwd', 'secret']);
const CREDENTIAL_WORDS = new Set(['token', 'jwt', 'apikey', 'auth', 'authorization', 'bearer', 'credential', 'credentials']);
/** `key` is a credential only after one of these: api_key, access_key, subscription-key (a lone `key` is usually a lookup key). */
const KEY_QUALIFIERS = new Set(['api', 'access', 'auth', 'subscription', 'private', 'session', 'license', 'signing']);
/** Session identifiers in the URL are the classic session-hijacking leak. */
const SESSION_IDS = new Set(['sessionid', 'jsessionid', 'phpsessid', 'sessiontoken', 'sessionkey']);
/** A name ending in one of these describes a credential (its id, name, type, expiry) instead of carrying it. */
const METADATA_WORDS = new Set([
  'id', 'ids', 'uuid', 'guid', 'name', 'names', 'type', 'types', 'kind', 'count', 'prefix', 'hint', 'format', 'length',
  'policy', 'status', 'url', 'uri', 'expiry', 'expires', 'expiration', 'ttl', 'scope', 'scopes', 'provider', 'method',
  'mode', 'header', 'location', 'field', 'label', 'code', 'required', 'enabled',
]);

/** Whether a parameter name carries a password or secret, another credential, or neither. */
function credentialKind(name: string): Credential | undefined {
  const w = words(name);
  if (w.length === 0) return undefined;
  if (SESSION_IDS.has(w.join(''))) return 'credential';
  const last = w[w.length - 1];
  if (METADATA_WORDS.has(last) || w.some((x) => NOT_CREDENTIAL_TOKENS.has(x))) return undefined;
  // a password_reset_token is a token about a password, not the password itself
  const secret = w.some((x) => SECRET_WORDS.has(x) || x.endsWith('password') || x.endsWith('secret'));
  if (secret && !last.endsWith('token')) return 'secret';
  if (w.some((x, i) => CREDENTIAL_WORDS.has(x) || x.endsWith('token') || (x === 'key' && KEY_QUALIFIERS.has(w[i - 1])))) return 'credential';
  return undefined;
}

/**
 * Whether a path parameter is the identifier of an item of the plural collection segment before it:
 * `/tokens/{token}`, `/ephemeral_keys/{key}`, `/shipping_rates/{shipping_rate_token}` name objects, not credentials.
 */
function namesCollectionItem(path: string, name: string): boolean {
  const segments = path.split('/');
  const at = segments.indexOf(`{${name}}`);
  if (at < 1 || segments[at - 1].startsWith('{')) return false;
  const collection = words(segments[at - 1]);
  const last = collection[collection.length - 1];
  if (!last || !last.endsWith('s')) return false;
  const item = [...collection.slice(0, -1), last.slice(0, -1)];
  const param = words(name);
  const stem = param.slice(0, -1);
  return endsWithWords(item, param) || (stem.length > 0 && endsWithWords(item, stem));
}

const WHY_URL = 'URLs end up in server and proxy logs, browser history and Referer headers';
