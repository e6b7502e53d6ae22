import type { Check } from './check';
import { authMissing } from './auth-missing';
import { transportInsecureServer } from './transport-insecure-server';

/** Every check, in the order their findings are documented. */
export const CHECKS: readonly Check[] = [
  authMissing,
  transportInsecureServer,
];

export const CHECK_IDS: ReadonlySet<string> = new Set(CHECKS.map((c) => c.meta.id));
