import type { Check } from './check';
import { authMissing } from './auth-missing';
import { authSchemeUndefined } from './auth-scheme-undefined';
import { authScopesUndefined } from './auth-scopes-undefined';
import { authWeakScheme } from './auth-weak-scheme';
import { authCredentialsInUrl } from './auth-credentials-in-url';
import { authAdminSharesScopes } from './auth-admin-shares-scopes';
import { authMissing401403 } from './auth-missing-401-403';
import { authJwtPractices } from './auth-jwt-practices';
import { authTokenRefreshUndefined } from './auth-token-refresh-undefined';
import { transportInsecureServer } from './transport-insecure-server';
import { rateLimitMissing } from './rate-limit-missing';
import { rateLimit429RetryAfter } from './rate-limit-429-retry-after';
import { paginationUnbounded } from './pagination-unbounded';
import { arrayUnbounded } from './array-unbounded';
import { stringUnbounded } from './string-unbounded';
import { uploadUnbounded } from './upload-unbounded';
import { responseSensitiveField } from './response-sensitive-field';
import { responseOpenSchema } from './response-open-schema';
import { responseSharesRequestSchema } from './response-shares-request-schema';
import { requestMassAssignment } from './request-mass-assignment';
import { bolaPredictableId } from './bola-predictable-id';
import { bolaUnprotectedObject } from './bola-unprotected-object';
import { bolaCallerIdInRequest } from './bola-caller-id-in-request';
import { suppressionReasonMissing } from './suppression-reason-missing';

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
  rateLimitMissing,
  rateLimit429RetryAfter,
  paginationUnbounded,
  arrayUnbounded,
  stringUnbounded,
  uploadUnbounded,
  responseSensitiveField,
  responseOpenSchema,
  responseSharesRequestSchema,
  requestMassAssignment,
  bolaPredictableId,
  bolaUnprotectedObject,
  bolaCallerIdInRequest,
  authJwtPractices,
  authTokenRefreshUndefined,
  suppressionReasonMissing,
];

export const CHECK_IDS: ReadonlySet<string> = new Set(CHECKS.map((c) => c.meta.id));
