/** The extensions API Sentinel reads in OpenAPI documents: the author's decisions about its findings. */

/** `x-api-sentinel-public: <reason>` on an operation or path item: public on purpose. */
export const PUBLIC_KEY = 'x-api-sentinel-public';
/** `x-api-sentinel-ignore: { rule-id: reason }` suppresses findings on the object and below it. */
export const IGNORE_KEY = 'x-api-sentinel-ignore';

/** Whether an object suppresses `ruleId` on itself with `x-api-sentinel-ignore`. */
export function ignoresRule(owner: { value: unknown }, ruleId: string): boolean {
  const value = owner.value;
  if (value === null || typeof value !== 'object') return false;
  const ignore = (value as Record<string, unknown>)[IGNORE_KEY];
  return ignore !== null && typeof ignore === 'object' && !Array.isArray(ignore) && ruleId in ignore;
}
