// The honest side of the abuse run, in a process of its own so that the attackers' load on the
// harness never shows up as the donors' latency. Every second a donor on an address never used
// before gives (the JSON API and the HTML form in turn), follows the answer to the Checkout page
// and pays there (through the emulator's test helper, so totals move and webhooks flow); a reader
// polls the campaign's progress twice a second. Each outcome is sent to the parent.
import { loopbackAddress, requestFrom } from '../helpers/source-address.ts';

export type HonestEvent =
  | { kind: 'donor'; at: number; ok: boolean; latencyMs: number; via: 'json' | 'form'; status: number; checkout: number; error?: string }
  | { kind: 'reader'; at: number; ok: boolean; latencyMs: number; status: number; error?: string };

const APP = process.env.ABUSE_APP_URL!;
const STRIPE = process.env.ABUSE_EMULATOR_URL!;
const CAMPAIGN = process.env.ABUSE_CAMPAIGN!;
const KEY = process.env.ABUSE_SECRET_KEY!;
const DONOR_EVERY_MS = 1_000;
const READ_EVERY_MS = 500;
const TIMEOUT_MS = 10_000;

const report = (event: HonestEvent) => process.send?.(event);
let donors = 0;

async function donate(): Promise<void> {
  const i = donors++;
  const address = loopbackAddress(200, i);
  const via = i % 2 === 0 ? 'json' : 'form';
  const started = performance.now();
  let status = 0;
  let checkout = 0;
  try {
    const amount = 1000 + (i % 40) * 125;
    const res = via === 'json'
      ? await requestFrom(address, `${APP}/api/pledges`, {
        method: 'POST', timeoutMs: TIMEOUT_MS, headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ campaign: CAMPAIGN, amount, currency: 'usd', frequency: 'once', email: `donor${i}@example.org`, name: `Donor ${i}` }),
      })
      : await requestFrom(address, `${APP}/api/pledges`, {
        method: 'POST', timeoutMs: TIMEOUT_MS, headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'text/html' },
        body: new URLSearchParams({ campaign: CAMPAIGN, amount: 'custom', custom_amount: (amount / 100).toFixed(2), currency: 'usd', frequency: 'once', email: `donor${i}@example.org`, name: `Donor ${i}` }).toString(),
      });
    status = res.status;
    const latencyMs = performance.now() - started;
    const checkoutUrl = via === 'json' ? (res.status === 201 ? res.json().checkoutUrl : null) : res.status === 303 ? res.headers.location : null;
    if (!checkoutUrl) {
      report({ kind: 'donor', at: Date.now(), ok: false, latencyMs, via, status, checkout, error: res.body.slice(0, 300) });
      return;
    }
    // The donor's browser follows the URL to Checkout.
    const page = await requestFrom(address, String(checkoutUrl), { timeoutMs: TIMEOUT_MS });
    checkout = page.status;
    report({ kind: 'donor', at: Date.now(), ok: checkout === 200, latencyMs, via, status, checkout });
    const session = /\/checkout\/(cs_[A-Za-z0-9_]+)/.exec(String(checkoutUrl))?.[1];
    if (session) {
      await fetch(`${STRIPE}/v1/test_helpers/checkout/sessions/${session}/pay`, {
        method: 'POST', headers: { Authorization: `Bearer ${KEY}`, 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'outcome=succeeded',
      }).then((r) => r.arrayBuffer(), () => undefined);
    }
  } catch (error) {
    report({ kind: 'donor', at: Date.now(), ok: false, latencyMs: performance.now() - started, via, status, checkout, error: String(error) });
  }
}

let etag: string | undefined;
let reads = 0;
async function read(): Promise<void> {
  const address = loopbackAddress(201, reads++ % 4);
  const started = performance.now();
  try {
    const res = await requestFrom(address, `${APP}/api/campaigns/${CAMPAIGN}/progress`, {
      timeoutMs: TIMEOUT_MS, headers: etag ? { 'If-None-Match': etag } : {},
    });
    if (res.status === 200) etag = String(res.headers.etag);
    report({ kind: 'reader', at: Date.now(), ok: res.status === 200 || res.status === 304, latencyMs: performance.now() - started, status: res.status });
  } catch (error) {
    report({ kind: 'reader', at: Date.now(), ok: false, latencyMs: performance.now() - started, status: 0, error: String(error) });
  }
}

const timers = [setInterval(() => void donate(), DONOR_EVERY_MS), setInterval(() => void read(), READ_EVERY_MS)];
const stop = () => {
  for (const t of timers) clearInterval(t);
  // Let the last donations finish, then go.
  setTimeout(() => process.exit(0), TIMEOUT_MS + 1_000).unref();
};
process.on('message', (message: { type?: string }) => {
  if (message?.type === 'stop') stop();
});
process.on('disconnect', () => process.exit(0));
