/** Names of credentials that several families recognise in parameters and properties. */

/**
 * Words that make a "token" grant nothing: pagination cursors (`next_page_token`, `startToken`), idempotency keys and
 * anti-forgery values (`csrf_token`) are called tokens but authenticate nobody.
 */
export const NOT_CREDENTIAL_TOKENS: ReadonlySet<string> = new Set([
  'page', 'next', 'prev', 'previous', 'continuation', 'pagination', 'cursor', 'sync', 'resume', 'start', 'marker',
  'after', 'before', 'idempotency', 'csrf', 'xsrf',
]);
