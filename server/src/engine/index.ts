/**
 * The engine's public surface, and the only door into it: the CLI, the language server, the Spectral ruleset and the
 * scripts import nothing else of the engine (test/boundaries.test.ts holds this). Pure analysis over files supplied
 * by a reader: no file system, no editor, no network.
 */
export { analyze, linkEndpoints, compareFindings, compareProblems, looksLikeOpenApi, type AnalyzeRequest } from './analyze';
export { correlationCandidates } from './correlate/candidates';
export type { EndpointLinks, OperationPlace } from './correlate/links';
export { Session, type Analysis, type SessionOptions, type SessionRequest } from './session';
export { findingKey, compare, type Comparison } from './identity';
export type { Frontend, FrontendPart, FrontendRequest } from './frontend';
export { codeCandidates, hasCodeCandidates, isCodeFile, BUILD_OUTPUT } from './code/files';
export { isCodePart, routeLinks, type CodePart } from './code/part';
export { decoratorEdit, importEdit, routeArgumentEdit } from './edit/code';
export type { ChainLink, ImportNeed, LinkKind, Location, Reuse, Route } from './code/model';
export { CHECKS, CHECK_IDS } from './checks';
export type { Check, CheckContext, Report } from './checks/check';
export { isLiteralKey } from './spec/literal';
export { DEFAULT_MAX_FILE_SIZE, MAX_FILES_READ, MAX_TEXT_READ } from './spec/load';
export { LineIndex } from './spec/source';
export { REASON_PLACEHOLDERS, SUPPRESSION_PLACEHOLDER, PUBLIC_PLACEHOLDER } from './spec/suppression';
export { nearestPlace } from './spec/pointer';
export { TextShift, changedRegion, type ChangedRegion } from './text-shift';
export {
  parseConfig, resolveConfig, isIncluded, usablePatterns, CONFIG_FILE, type Config, type ResolvedConfig,
} from './config';
export * from './types';
export { OWASP_API_2023, owaspTitle, owaspUrl } from './owasp';
