import { Router } from 'express';

export const ordersRouter = Router();
ordersRouter.get('/', (_req, res) => res.json([]));
ordersRouter.post('/', (req, res) => res.status(201).json(req.body));
ordersRouter.get('/export', (_req, res) => res.type('text/csv').send('id,total\n'));
ordersRouter.get('/:orderId', (req, res) => res.json({ id: req.params.orderId }));
