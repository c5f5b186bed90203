// Baseline for progress reads: the least an Express server can do per request, a constant JSON.
import express from 'express';

const body = {
  campaign: 'bench', currency: 'usd', goal: 100000000, raised: 52400000, pending: 0, refunded: 100000, disputed: 0,
  donors: 1000, donations: 1000, percent: 52.4, daysLeft: 30, endsAt: '2026-12-31T00:00:00.000Z',
  updatedAt: '2026-12-01T00:00:00.000Z',
};
const app = express();
app.get('/healthz', (_req, res) => void res.json({ status: 'ok' }));
app.get('/progress', (_req, res) => void res.json(body));
app.listen(Number(process.env.PORT));
