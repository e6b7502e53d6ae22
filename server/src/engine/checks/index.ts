import type { Check } from './check';
import { authMissing } from './auth/auth-missing';
import { authSchemeUndefined } from './auth/auth-scheme-undefined';
import { authScopesUndefined } from './auth/auth-scopes-undefined';
import { authWeakScheme } from './auth/auth-weak-scheme';
import { authCredentialsInUrl } from './auth/auth-credentials-in-url';
import { authAdminSharesScopes } from './auth/auth-admin-shares-scopes';
import { authMissing401403 } from './auth/auth-missing-401-403';
import { authJwtPractices } from './auth/auth-jwt-practices';
import { authTokenRefreshUndefined } from './auth/auth-token-refresh-undefined';
import { transportInsecureServer } from './transport/transport-insecure-server';
import { corsOriginUndefined } from './transport/cors-origin-undefined';
import { rateLimitMissing } from './rate-limit/rate-limit-missing';
import { rateLimit429RetryAfter } from './rate-limit/rate-limit-429-retry-after';
import { paginationUnbounded } from './rate-limit/pagination-unbounded';
import { arrayUnbounded } from './rate-limit/array-unbounded';
import { stringUnbounded } from './rate-limit/string-unbounded';
import { integerUnbounded } from './rate-limit/integer-unbounded';
import { uploadUnbounded } from './rate-limit/upload-unbounded';
import { responseSensitiveField } from './data-exposure/response-sensitive-field';
import { responseOpenSchema } from './data-exposure/response-open-schema';
import { responseSharesRequestSchema } from './data-exposure/response-shares-request-schema';
import { requestMassAssignment } from './data-exposure/request-mass-assignment';
import { responseThirdPartyData } from './data-exposure/response-third-party-data';
import { bolaPredictableId } from './bola/bola-predictable-id';
import { bolaUnprotectedObject } from './bola/bola-unprotected-object';
import { bolaCallerIdInRequest } from './bola/bola-caller-id-in-request';
import { ssrfUrlParameter } from './input-validation/ssrf-url-parameter';
import { stringUnrestricted } from './input-validation/string-unrestricted';
import { errorResponsesUndefined } from './input-validation/error-responses-undefined';
import { inventoryServerUndocumented } from './inventory/inventory-server-undocumented';
import { suppressionReasonMissing } from './config/suppression-reason-missing';
import { codeAuthMissing } from './code/code-auth-missing';
import { codeRateLimitMissing } from './code/code-rate-limit-missing';
import { codeResponseOverbroad } from './code/code-response-overbroad';
import { codeBola } from './code/code-bola';
import { codeMassAssignment } from './code/code-mass-assignment';
import { codeQueryUnbounded } from './code/code-query-unbounded';
import { codeSensitiveLogging } from './code/code-sensitive-logging';
import { inventoryShadowRoute } from './inventory/inventory-shadow-route';
import { inventoryZombieOperation } from './inventory/inventory-zombie-operation';
import { inventorySecurityMismatch } from './inventory/inventory-security-mismatch';
import { inventoryResponseDrift } from './inventory/inventory-response-drift';

/** Every check, in the order their findings are documented. */
export const CHECKS: readonly Check[] = [
  authMissing,
  authSchemeUndefined,
  authScopesUndefined,
  authWeakScheme,
  authCredentialsInUrl,
  authAdminSharesScopes,
  authMissing401403,
  transportInsecureServer,
  corsOriginUndefined,
  rateLimitMissing,
  rateLimit429RetryAfter,
  paginationUnbounded,
  arrayUnbounded,
  stringUnbounded,
  integerUnbounded,
  uploadUnbounded,
  ssrfUrlParameter,
  stringUnrestricted,
  errorResponsesUndefined,
  responseSensitiveField,
  responseOpenSchema,
  responseSharesRequestSchema,
  requestMassAssignment,
  responseThirdPartyData,
  bolaPredictableId,
  bolaUnprotectedObject,
  bolaCallerIdInRequest,
  inventoryServerUndocumented,
  authJwtPractices,
  authTokenRefreshUndefined,
  suppressionReasonMissing,
  codeAuthMissing,
  codeRateLimitMissing,
  codeResponseOverbroad,
  codeBola,
  codeMassAssignment,
  codeQueryUnbounded,
  codeSensitiveLogging,
  inventoryShadowRoute,
  inventoryZombieOperation,
  inventorySecurityMismatch,
  inventoryResponseDrift,
];

/** The ids of every check, built once. */
export const CHECK_IDS: ReadonlySet<string> = new Set(CHECKS.map((c) => c.meta.id));
