import type { NextFunction, Request, Response } from 'express';

export function requireRole(role: string) {
  return (_req: Request, res: Response, next: NextFunction) => {
    const roles: string[] = res.locals.user?.roles ?? [];
    if (!roles.includes(role)) return res.status(403).json({ error: `requires the ${role} role` });
    next();
  };
}
