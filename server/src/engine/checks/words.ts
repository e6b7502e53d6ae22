/** Splitting identifiers into words, the vocabulary every family matches names with. */

/** Splits are a pure function of the name and names repeat across specs, so one bounded table serves every analysis. */
const wordCache = new Map<string, readonly string[]>();

/**
 * Splits an identifier into lower-case words: `userId`, `user_id`, `user-id` and `USER_ID` all give ['user', 'id'].
 * Names repeat across a spec, so splits are kept; the returned list is shared and must not be changed.
 */
export function words(name: string): readonly string[] {
  let cached = wordCache.get(name);
  if (!cached) {
    cached = split(name);
    if (wordCache.size > 50_000) wordCache.clear();
    wordCache.set(name, cached);
  }
  return cached;
}

function split(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}

/**
 * A name squashed to lower-case letters and digits, so that spellings compare equal: `page[size]`, `$top`, `per_page`
 * give pagesize, top, perpage; `bearer_auth`, `BearerAuth` and `bearer-auth` all give bearerauth.
 */
export function squash(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** A word made singular: `users` gives `user`, `policies` `policy`, `branches` `branch`, `statuses` `status`; other words stay. */
export function singular(word: string): string {
  if (/ies$/.test(word)) return word.slice(0, -3) + 'y';
  if (/(ss|sh|ch|x|us)es$/.test(word)) return word.slice(0, -2);
  if (word.length > 3 && /[^su]s$/.test(word)) return word.slice(0, -1);
  return word;
}

/** Whether the words of a name end with `tail` (a non-empty list of words): `['user', 'api', 'key']` ends with `['api', 'key']`. */
export function endsWithWords(list: readonly string[], tail: readonly string[]): boolean {
  if (tail.length === 0 || tail.length > list.length) return false;
  const offset = list.length - tail.length;
  // a loop, not `every`: names are matched against every term, a million times on a large spec
  for (let i = 0; i < tail.length; i++) if (list[offset + i] !== tail[i]) return false;
  return true;
}
