// Baseline for webhook intake: a bare Express + pg handler doing one INSERT per request, on the
// same database the product uses. It reads the body, inserts, answers 200: nothing else.
import express from 'express';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
await pool.query('CREATE TABLE IF NOT EXISTS bench_inserts (id text PRIMARY KEY, body jsonb NOT NULL)');
const app = express();
app.get('/healthz', (_req, res) => void res.json({ status: 'ok' }));
app.post('/insert', express.json({ limit: '256kb' }), async (req, res) => {
  await pool.query('INSERT INTO bench_inserts (id, body) VALUES ($1, $2)', [req.body.id, req.body]);
  res.json({ ok: true });
});
app.listen(Number(process.env.PORT));
