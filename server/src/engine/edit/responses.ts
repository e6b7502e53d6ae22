/** Where a fix puts new responses in an operation's responses map, so that its statuses stay in order. */

/** Where a response key sorts: status codes by number, a range after its codes, `default` and extensions last. */
function statusRank(key: string): number {
  if (/^\d{3}$/.test(key)) return Number(key);
  if (/^[1-5]xx$/i.test(key)) return Number(key[0]) * 100 + 99;
  return key === 'default' ? 1000 : 1001;
}

/** The first key of a responses map that sorts after `status`: a new response goes before it. */
export function keyAfterStatus(responses: object, status: string): string | undefined {
  return Object.keys(responses).find((key) => statusRank(key) > statusRank(status));
}
