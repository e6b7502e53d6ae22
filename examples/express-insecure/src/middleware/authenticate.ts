import type { NextFunction, Request, Response } from 'express';
import jwt from 'jsonwebtoken';

export function authenticate(req: Request, res: Response, next: NextFunction) {
  const header = req.headers.authorization ?? '';
  try {
    res.locals.user = jwt.verify(header.replace(/^Bearer /, ''), process.env.JWT_SECRET ?? 'dev-secret');
    next();
  } catch {
    res.status(401).json({ error: 'invalid or missing token' });
  }
}
