import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC_KEY = 'isPublic';
/** Routes anyone may call: the global JwtAuthGuard lets them through. */
export const Public = () => SetMetadata(IS_PUBLIC_KEY, true);
