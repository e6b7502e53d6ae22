import cors from 'cors';
import express from 'express';
import helmet from 'helmet';
import { authenticate } from '@middleware/authenticate';
import { apiLimiter, credentialLimiter } from '@middleware/limits';
import { requireRole } from '@middleware/roles';
import { adminRouter } from './routes/admin.js';
import { authRouter } from './routes/auth.js';
import { ordersRouter } from './routes/orders.js';
import searchRouter from './routes/search.js';
import { usersRouter } from './routes/users.js';

export function createApp() {
  const app = express();
  app.use(helmet());
  app.use(cors({ origin: process.env.WEB_ORIGIN }));
  app.use(express.json({ limit: '100kb' }));

  app.get('/health', (_req, res) => res.json({ status: 'ok' }));
  // public by nature, with a strict limit per client
  app.use('/auth', credentialLimiter, authRouter);

  // everything below needs a valid token, and shares one rate limit
  app.use(apiLimiter, authenticate);
  app.use('/users', usersRouter);
  app.use('/search', searchRouter);
  app.use('/orders', ordersRouter);
  app.use('/admin', requireRole('admin'), adminRouter);
  return app;
}
