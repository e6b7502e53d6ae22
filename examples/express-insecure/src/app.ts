import cors from 'cors';
import express from 'express';
import helmet from 'helmet';
import { authenticate } from '@middleware/authenticate';
import { authRouter } from './routes/auth.js';
import { ordersRouter } from './routes/orders.js';
import searchRouter from './routes/search.js';
import { usersRouter } from './routes/users.js';

export function createApp() {
  const app = express();
  app.use(helmet());
  app.use(cors());
  app.use(express.json());

  app.get('/health', (_req, res) => res.json({ status: 'ok' }));
  // no rate limiter on the login, registration and password reset routes
  app.use('/auth', authRouter);
  // mounted before the auth middleware below: anyone can read, change and delete users, and search
  app.use('/users', usersRouter);
  app.use('/search', searchRouter);

  app.use(authenticate);
  app.use('/orders', ordersRouter);
  return app;
}
