/** What a field holds, as its name says: vocabulary several families share. */
import { words } from './words';

/** Words that name a URL: `callback_url`, `redirectUri`, `webhook`, `avatar_href`, `homepage`. */
export const URL_WORDS: ReadonlySet<string> = new Set(['url', 'uri', 'urls', 'uris', 'href', 'link', 'website', 'homepage', 'webhook', 'callback', 'redirect', 'endpoint']);

/** Words that name free text written by people: descriptions, comments, notes, messages. */
export const TEXT_WORDS: ReadonlySet<string> = new Set([
  'description', 'text', 'body', 'content', 'comment', 'comments', 'note', 'notes', 'message', 'bio', 'biography',
  'summary', 'details', 'reason', 'memo', 'instructions', 'markdown', 'html', 'about', 'review', 'feedback',
]);

/** Ids that name no object a caller could be denied: correlation and trace ids, external references, tax numbers. */
const NOT_OBJECT_WORDS = new Set(['external', 'correlation', 'trace', 'span', 'request', 'idempotency', 'reference', 'tax', 'vat', 'national']);

/** Whether a parameter or property name names an object identifier: id, userId, order_id, accountUuid, slug-less keys. */
function isObjectIdName(name: string): boolean {
  const w = words(name);
  const last = w[w.length - 1];
  return last === 'id' || last === 'ids' || last === 'uuid' || last === 'guid';
}

/** An object identifier that points at an object the server holds. */
export function isObjectReference(name: string): boolean {
  // cheap test first: this runs on every request property name of large specs
  if (!/(?:id|ids|uuid|guid)$/i.test(name) || !isObjectIdName(name)) return false;
  const w = words(name);
  return !(w.length > 1 && NOT_OBJECT_WORDS.has(w[w.length - 2]));
}
