/** Building quick fixes safely: a shape the edit primitives refuse costs the fix, never the finding. */
import type { Fix } from '../types';

/**
 * Builds a fix, or none when the file has a shape the primitives refuse (they throw rather than write something
 * wrong): a missing fix must never cost the finding.
 */
export function attempt(build: () => Fix | undefined): Fix | undefined {
  try { return build(); } catch { return undefined; }
}

/** A fix as a list of none or one, built safely: a shape the edit primitives refuse costs the fix, never the finding. */
export function fixes(build: () => Fix | undefined): Fix[] {
  const fix = attempt(build);
  return fix ? [fix] : [];
}
