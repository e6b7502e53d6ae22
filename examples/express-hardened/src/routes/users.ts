import { Router } from 'express';
import { prisma } from '../db.js';

export const usersRouter = Router();
usersRouter.get('/me', async (_req, res) => {
  const me = await prisma.user.findUnique({ where: { id: res.locals.user.sub }, select: { id: true, email: true, name: true } });
  res.json(me);
});
usersRouter.patch('/me', (req, res) => res.json({ ...res.locals.user, name: req.body.name }));
