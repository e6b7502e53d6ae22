/** The engine's public surface: pure analysis over files supplied by a reader. */
export { analyze, looksLikeOpenApi, type AnalyzeRequest } from './analyze';
export { isLiteralKey } from './spec/literal';
export { CHECKS, CHECK_IDS } from './checks';
export type { Check, CheckContext, Report } from './checks/check';
export { DEFAULT_MAX_FILE_SIZE, MAX_FILES_READ, MAX_TEXT_READ } from './spec/load';
export { parseConfig, resolveConfig, isIncluded, CONFIG_FILE, type Config, type ResolvedConfig } from './config';
export * from './types';
export { findingKey, compare, type Comparison } from './identity';
export { OWASP_API_2023, owaspTitle, owaspUrl } from './owasp';
