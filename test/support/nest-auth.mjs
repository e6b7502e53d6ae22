// The sources of a NestJS app's global authentication, shared by the route tests and the route benchmark's generated
// app: a `@Public()` decorator, and a guard that lets routes marked with it through and demands a bearer token of others.

/** `src/auth/public.decorator.ts` */
export const PUBLIC_DECORATOR = `import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'isPublic';
export const Public = () => SetMetadata(IS_PUBLIC, true);
`;

/** The line of the guard that lets `@Public()` routes through. */
export const PUBLIC_PASS = '    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()])) return true;\n';

/** `src/auth/auth.guard.ts` */
export const PUBLIC_AWARE_AUTH_GUARD = `import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { IS_PUBLIC } from './public.decorator';

@Injectable()
export class AuthGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
${PUBLIC_PASS}    const request = context.switchToHttp().getRequest<Request>();
    const token = request.header('authorization')?.replace(/^Bearer /, '');
    if (!token) throw new UnauthorizedException();
    return true;
  }
}
`;
