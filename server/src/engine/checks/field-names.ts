/** What a field holds, as its name says: vocabulary several families share. */

/** Words that name a URL: `callback_url`, `redirectUri`, `webhook`, `avatar_href`, `homepage`. */
export const URL_WORDS: ReadonlySet<string> = new Set(['url', 'uri', 'urls', 'uris', 'href', 'link', 'website', 'homepage', 'webhook', 'callback', 'redirect', 'endpoint']);

/** Words that name free text written by people: descriptions, comments, notes, messages. */
export const TEXT_WORDS: ReadonlySet<string> = new Set([
  'description', 'text', 'body', 'content', 'comment', 'comments', 'note', 'notes', 'message', 'bio', 'biography',
  'summary', 'details', 'reason', 'memo', 'instructions', 'markdown', 'html', 'about', 'review', 'feedback',
]);
