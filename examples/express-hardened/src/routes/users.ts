import { Router } from 'express';

export const usersRouter = Router();
usersRouter.get('/me', (_req, res) => res.json(res.locals.user));
usersRouter.patch('/me', (req, res) => res.json({ ...res.locals.user, name: req.body.name }));
