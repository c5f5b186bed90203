// Baseline for pledge creation: one INSERT plus one HTTP round trip to the Stripe emulator (a
// Checkout Session create), with no validation, no idempotency and no rules.
import { randomUUID } from 'node:crypto';
import express from 'express';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
await pool.query('CREATE TABLE IF NOT EXISTS bench_pledges (id uuid PRIMARY KEY, session text, body jsonb)');
const stripe = process.env.STRIPE_URL!;
const app = express();
app.get('/healthz', (_req, res) => void res.json({ status: 'ok' }));
app.post('/pledge', express.json(), async (req, res) => {
  const id = randomUUID();
  await pool.query('INSERT INTO bench_pledges (id, body) VALUES ($1, $2)', [id, req.body]);
  const form = new URLSearchParams({
    mode: 'payment',
    success_url: 'http://localhost/thanks',
    'line_items[0][quantity]': '1',
    'line_items[0][price_data][currency]': 'usd',
    'line_items[0][price_data][unit_amount]': String(req.body.amount),
    'line_items[0][price_data][product_data][name]': 'Donation',
  });
  const session = await fetch(`${stripe}/v1/checkout/sessions`, {
    method: 'POST',
    headers: { Authorization: 'Bearer sk_test_bench', 'Content-Type': 'application/x-www-form-urlencoded' },
    body: form,
  }).then((r) => r.json() as Promise<{ id: string; url: string }>);
  res.status(201).json({ id, checkoutSessionId: session.id, checkoutUrl: session.url });
});
app.listen(Number(process.env.PORT));
