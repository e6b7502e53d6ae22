import { Router } from 'express';

export const adminRouter = Router();
adminRouter.get('/users', (_req, res) => res.json([]));
adminRouter.delete('/users/:id', (_req, res) => res.status(204).end());
