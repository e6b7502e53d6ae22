import { Router } from 'express';

const router = Router();
router.get('/', (req, res) => res.json({ query: req.query.q, results: [] }));
export default router;
