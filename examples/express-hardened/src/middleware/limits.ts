import rateLimit from 'express-rate-limit';

/** Login, registration and password reset: a few attempts per client and quarter of an hour. */
export const credentialLimiter = rateLimit({ windowMs: 15 * 60_000, limit: 10, standardHeaders: 'draft-7', legacyHeaders: false });

/** Every authenticated route. */
export const apiLimiter = rateLimit({ windowMs: 60_000, limit: 300, standardHeaders: 'draft-7', legacyHeaders: false });
