import { Router } from 'express';

export const usersRouter = Router();
usersRouter
  .route('/:id')
  .get((req, res) => res.json({ id: req.params.id, email: 'someone@example.com' }))
  .patch((req, res) => res.json({ id: req.params.id, ...req.body }))
  .delete((_req, res) => res.status(204).end());
