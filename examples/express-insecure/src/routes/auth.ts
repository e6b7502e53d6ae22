import { Router } from 'express';

export const authRouter = Router();
authRouter.post('/login', (req, res) => res.json({ token: `token-for-${req.body.email}` }));
authRouter.post('/register', (_req, res) => res.status(201).end());
authRouter.post('/password/forgot', (_req, res) => res.status(202).end());
