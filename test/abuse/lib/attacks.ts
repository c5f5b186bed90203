// The attacks of issue 12, each bounded in count and time, each from its own block of client
// addresses in 127.0.0.0/8. An attack returns what it sent and what came back, and lists as
// `problems` anything that shows a defence missing (which fails the run), beside the figures.
import Stripe from 'stripe';
import { mapConcurrent } from '../../../bench/lib/pool.ts';
import { hasHiddenCharacter, hasVisibleCharacter } from '../../../src/pledges/visible-text.ts';
import { loopbackAddress, requestFrom, type SourcedRequest } from '../../helpers/source-address.ts';
import type { Monitor } from './monitor.ts';
import { ABUSE_WEBHOOK_SECRET, CAMPAIGN, type Stack } from './stack.ts';
import { hold, holdSilentConnections, trickle, type Held } from './wire.ts';
import pg from 'pg';

export interface AttackContext {
  stack: Stack;
  monitor: Monitor;
  db: pg.Pool;
  say(line: string): void;
}

export interface AttackOutcome {
  requests: number;
  statuses: Record<string, number>;
  problems: string[];
  /** Figures worth reporting beside the standard ones. */
  figures: Record<string, number | string>;
}

export interface Attack {
  /** For ABUSE_ONLY. */
  key: string;
  name: string;
  /** What of issue 12 it attacks. */
  item: string;
  run(ctx: AttackContext): Promise<AttackOutcome>;
  /** An attack-specific check that the service is back to normal (a new stream, a new export...). */
  recovered?(ctx: AttackContext): Promise<boolean>;
}

// Honest-looking answers for refusals by design; anything else 5xx is a failure.
const CAPACITY_ANSWERS = new Set(['503 streams_full']);

function tally(answers: Array<{ status: number; code?: string }>): { statuses: Record<string, number>; serverErrors: number } {
  const statuses: Record<string, number> = {};
  let serverErrors = 0;
  for (const a of answers) {
    const key = a.status >= 500 && a.code ? `${a.status} ${a.code}` : String(a.status);
    statuses[key] = (statuses[key] ?? 0) + 1;
    if ((a.status >= 500 && !CAPACITY_ANSWERS.has(key)) || a.status === 0) serverErrors++;
  }
  return { statuses, serverErrors };
}

function outcome(answers: Array<{ status: number; code?: string }>, problems: string[], figures: AttackOutcome['figures'] = {}, allowed?: number[]): AttackOutcome {
  const { statuses, serverErrors } = tally(answers);
  if (serverErrors) problems.push(`${serverErrors} answers were 5xx or no answer at all: ${JSON.stringify(statuses)}`);
  if (allowed) {
    const unexpected = answers.filter((a) => !allowed.includes(a.status));
    if (unexpected.length) problems.push(`unexpected statuses: ${JSON.stringify(statuses)} (expected only ${allowed.join(', ')})`);
  }
  return { requests: answers.length, statuses, problems, figures };
}

async function send(address: string, url: string, options: SourcedRequest): Promise<{ status: number; code?: string }> {
  try {
    const res = await requestFrom(address, url, { timeoutMs: 15_000, ...options });
    let code: string | undefined;
    try {
      code = res.json().error?.code;
    } catch {
      // not JSON
    }
    return { status: res.status, code };
  } catch (error) {
    return { status: 0, code: String((error as NodeJS.ErrnoException).code ?? error) };
  }
}

const pledgeUrl = (ctx: AttackContext) => `${ctx.stack.appUrl}/api/pledges`;
const json = (body: unknown): SourcedRequest => ({ method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

/** Item 1: junk that is refused before any work, from 100 addresses, ten times their own limit. */
export const junk: Attack = {
  key: 'junk',
  name: 'junk pledges (415/400) from 100 addresses',
  item: '1',
  async run(ctx) {
    const bodies: SourcedRequest[] = [
      { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: 'amount=25' },
      { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"campaign": ' },
      json({ campaign: CAMPAIGN, amount: 'lots', currency: 'usd' }),
      { method: 'POST', headers: { 'Content-Type': 'application/xml' }, body: '<pledge/>' },
    ];
    const shots = Array.from({ length: 100 * 60 }, (_, i) => i);
    const answers = await mapConcurrent(shots, 100, (i) => send(loopbackAddress(10, i % 100), pledgeUrl(ctx), bodies[i % bodies.length]!));
    return outcome(answers, [], {}, [400, 415, 429]);
  },
};

/** Item 1: card testing: valid pledges that would reach Stripe, from 100 addresses, past their limit. */
export const cardTesting: Attack = {
  key: 'card-testing',
  name: 'card testing: valid pledges from 100 addresses',
  item: '1',
  async run(ctx) {
    const started = Date.now();
    const shots = Array.from({ length: 100 * 12 }, (_, i) => i);
    const answers = await mapConcurrent(shots, 50, (i) =>
      send(loopbackAddress(11, Math.floor(i / 12)), pledgeUrl(ctx), json({ campaign: CAMPAIGN, amount: 100 + (i % 7), currency: 'usd', frequency: 'once', email: `t${i}@example.net` })));
    const minutes = (Date.now() - started) / 60_000;
    const problems: string[] = [];
    const admitted = answers.filter((a) => a.status === 201).length;
    // Each address's dozen in a row: never more than its own limit through.
    for (let a = 0; a < 100; a++) {
      const through = answers.slice(a * 12, a * 12 + 12).filter((x) => x.status === 201).length;
      if (through > 10) problems.push(`address ${a} got ${through} pledges through in a row`);
    }
    // The budget: a minute's worth in the bucket, then 600 a minute.
    const budget = 600 + Math.ceil(600 * minutes);
    if (admitted > budget) problems.push(`${admitted} pledges reached Stripe, over the budget of ${budget}`);
    return outcome(answers, problems, { 'reached Stripe': admitted, 'budget for the attack\'s length': budget }, [201, 429]);
  },
};

/**
 * Issue 17: the digest sign-up used to mail-bomb one inbox and to try addresses by the thousand,
 * from 100 addresses, each past its own limit, half for one victim. Each address gets at most its
 * limit through; the victim is one row whatever happens (its mail is capped at one an hour: the
 * integration test checks that through SMTP, this run has RECEIPTS=off).
 */
export const digestFlood: Attack = {
  key: 'digest',
  name: 'digest sign-ups: one victim and many addresses, from 100 addresses',
  item: '17',
  async run(ctx) {
    const url = `${ctx.stack.appUrl}/api/digest/subscriptions`;
    const perAddress = 15;
    const shots = Array.from({ length: 100 * perAddress }, (_, i) => i);
    const answers = await mapConcurrent(shots, 50, (i) =>
      send(loopbackAddress(13, Math.floor(i / perAddress)), url, json({ email: i % 2 ? 'victim@example.net' : `d${i}@example.net`, source: 'widget' })));
    const problems: string[] = [];
    for (let a = 0; a < 100; a++) {
      const through = answers.slice(a * perAddress, (a + 1) * perAddress).filter((x) => x.status === 202).length;
      if (through > 10) problems.push(`address ${a} got ${through} sign-ups through in a row`);
    }
    const { rows } = await ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM digest_subscribers WHERE email = 'victim@example.net'`);
    if (rows[0]!.n !== 1) problems.push(`the victim has ${rows[0]!.n} rows`);
    return outcome(answers, problems, { 'sign-ups taken': answers.filter((a) => a.status === 202).length }, [202, 429]);
  },
};

/** Item 7: names that draw nothing, through the API and the form. */
export const invisibleNames: Attack = {
  key: 'names',
  name: 'invisible names (tags, selectors, U+3164...)',
  item: '7',
  async run(ctx) {
    const names = ['\u3164', 'Ann\u{E0041}\u{E0042}', 'Bo\uFE0Fb', 'Eve\u180E', 'Mal\u00ADlory', '\u3164\u3164', '\u2800', 'Tr\u200Bent', 'Zo\u{E0100}e', '\u115F\u1160'];
    const shots = Array.from({ length: 200 }, (_, i) => i);
    const answers = await mapConcurrent(shots, 20, (i) => {
      const name = names[i % names.length]!;
      const address = loopbackAddress(12, i % 40);
      return i % 2
        ? send(address, pledgeUrl(ctx), json({ campaign: CAMPAIGN, amount: 2500, currency: 'usd', frequency: 'once', email: `n${i}@example.net`, name }))
        : send(address, pledgeUrl(ctx), {
          method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ campaign: CAMPAIGN, amount: '25', currency: 'usd', frequency: 'once', email: `n${i}@example.net`, name }).toString(),
        });
    });
    const problems: string[] = [];
    const { rows } = await ctx.db.query<{ name: string }>('SELECT name FROM pledges WHERE name IS NOT NULL');
    const bad = rows.filter((r) => hasHiddenCharacter(r.name) || !hasVisibleCharacter(r.name));
    if (bad.length) problems.push(`${bad.length} stored names hold invisible characters or nothing visible`);
    return outcome(answers, problems, {}, [400]);
  },
};

/** Items 5 and 6: validly signed events that PostgreSQL would refuse, or that are not ours. */
export const hostileEvents: Attack = {
  key: 'events',
  name: 'signed events: bad created, 5,000 deep, livemode, other account',
  item: '5, 6',
  async run(ctx) {
    const stripe = new Stripe('sk_test_unused');
    const deep = (open: string, close: string) => `${open.repeat(5000)}1${close.repeat(5000)}`;
    const kinds: Array<[expected: 'failed' | 'ignored', patch: Record<string, unknown>, raw?: string]> = [
      ['failed', { created: 'abc' }], ['failed', { created: null }], ['failed', { created: 1e20 }], ['failed', { created: -1e12 }],
      ['failed', { data: { object: { id: 'cs_deep', object: 'checkout.session', x: 'RAW' } } }, deep('{"a":', '}')],
      ['failed', { data: { object: { id: 'cs_deep', object: 'checkout.session', x: 'RAW' } } }, deep('[', ']')],
      ['failed', { data: { object: { id: 'cs_nul', object: 'checkout.session', metadata: { n: 'a\u0000b' } } } }],
      ['failed', { type: `checkout.session.${'x'.repeat(120)}` }],
      ['ignored', { livemode: true }], ['ignored', { account: 'acct_1SomeoneElse' }], ['ignored', { type: 'constructor' }],
    ];
    const events = Array.from({ length: 110 }, (_, i) => {
      const [expected, patch, raw] = kinds[i % kinds.length]!;
      const id = `evt_abuse_${Date.now().toString(36)}_${i}`;
      const text = JSON.stringify({
        id, object: 'event', type: 'checkout.session.completed', created: Math.floor(Date.now() / 1000), livemode: false, api_version: '2026-10-28.endive',
        data: { object: { id: `cs_abuse_${i}`, object: 'checkout.session', mode: 'payment', payment_status: 'paid', amount_total: 100, currency: 'usd' } },
        ...patch,
      });
      return { id, expected, payload: raw ? text.replace('"RAW"', raw) : text };
    });
    // Each delivered three times, as Stripe retries.
    const deliveries = events.flatMap((e) => [e, e, e]);
    const answers = await mapConcurrent(deliveries, 16, (e, i) =>
      send(loopbackAddress(17, i % 10), `${ctx.stack.appUrl}/webhooks/stripe`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Stripe-Signature': stripe.webhooks.generateTestHeaderString({ payload: e.payload, secret: ABUSE_WEBHOOK_SECRET }) },
        body: e.payload,
      }));
    const problems: string[] = [];
    const { rows } = await ctx.db.query<{ id: string; status: string }>('SELECT id, status::text FROM webhook_events WHERE id = ANY($1)', [events.map((e) => e.id)]);
    const stored = new Map(rows.map((r) => [r.id, r.status]));
    const wrong = events.filter((e) => stored.get(e.id) !== e.expected);
    if (wrong.length) problems.push(`${wrong.length} events not stored as expected, e.g. ${wrong[0]!.id}: ${stored.get(wrong[0]!.id) ?? 'missing'}, expected ${wrong[0]!.expected}`);
    return outcome(answers, problems, { events: events.length }, [200]);
  },
};

/** Item 3: progress streams, from one host and then from many. */
export function streamFlood(): Attack & { held: Held[] } {
  const held: Held[] = [];
  return {
    key: 'streams',
    name: 'progress streams: 2,000 from one host, then 2,400 from 150',
    item: '3',
    held,
    async run(ctx) {
      const url = `${ctx.stack.appUrl}/api/campaigns/${CAMPAIGN}/progress/stream`;
      const rssBefore = ctx.monitor.medianRssMb(Date.now() - 3_000, Date.now());
      // One host, 100 at a time (under its connection cap: every attempt gets an HTTP answer).
      const fromOne = await mapConcurrent(Array.from({ length: 2_000 }, (_, i) => i), 100, () => hold(loopbackAddress(13, 0), url));
      const fromMany = await mapConcurrent(Array.from({ length: 150 * 16 }, (_, i) => i), 200, (i) => hold(loopbackAddress(13, 1 + (i % 150)), url));
      const all = [...fromOne, ...fromMany];
      held.push(...all.filter((h) => h.status === 200));
      const problems: string[] = [];
      const oneAdmitted = fromOne.filter((h) => h.status === 200).length;
      if (oneAdmitted > 16) problems.push(`one host held ${oneAdmitted} streams`);
      if (held.length > 2_000) problems.push(`${held.length} streams open, over the total cap`);
      // Payments keep landing (the honest donors pay): every stream gets its updates while held.
      await new Promise((r) => setTimeout(r, 10_000));
      const during = ctx.monitor.now();
      // The highest while held: what the streams cost at worst, heap growth included.
      const rssHeld = ctx.monitor.peak(Date.now() - 10_000, Date.now()).rssMb;
      const perStreamKb = ((rssHeld - rssBefore) * 1024) / Math.max(1, held.length);
      for (const h of held) h.close();
      return outcome(all, problems, {
        'streams held': held.length,
        'refused (429 per host / 503 in total)': `${all.filter((h) => h.status === 429).length} / ${all.filter((h) => h.status === 503).length}`,
        'memory per stream, KB': Math.round(perStreamKb),
        'RSS at rest / with streams, MB': `${Math.round(rssBefore)} / ${Math.round(rssHeld)}`,
        'FDs with streams held': during.fds,
      }, [200, 429, 503]);
    },
    async recovered(ctx) {
      const probe = await hold(loopbackAddress(13, 999), `${ctx.stack.appUrl}/api/campaigns/${CAMPAIGN}/progress/stream`);
      probe.close();
      return probe.status === 200;
    },
  };
}

/** Item 4: headers and bodies trickled a byte a second. */
export const slowClients: Attack = {
  key: 'slow',
  name: 'slow headers and bodies: 600 connections at 1 byte/s',
  item: '4',
  async run(ctx) {
    const port = Number(new URL(ctx.stack.appUrl).port);
    const head = 'POST /api/pledges HTTP/1.1\r\nHost: donate\r\n';
    const bodyHead = `${head}Content-Type: application/json\r\nContent-Length: 4000\r\n\r\n{"campaign":"`;
    const shots = Array.from({ length: 600 }, (_, i) => i);
    const results = await Promise.all(shots.map((i) =>
      i % 2 === 0
        ? trickle(loopbackAddress(14, i % 10), port, head, 'X-Slow: abcdefghijklmnopqrstuvwxyz', 45_000).then((r) => ({ ...r, kind: 'headers' as const }))
        : trickle(loopbackAddress(14, i % 10), port, bodyHead, 'abcdefghij', 45_000).then((r) => ({ ...r, kind: 'body' as const }))));
    const problems: string[] = [];
    const open = results.filter((r) => r.closedAfterMs === null).length;
    if (open) problems.push(`${open} trickling connections still open after 45 s`);
    const longest = (kind: 'headers' | 'body') => Math.max(0, ...results.filter((r) => r.kind === kind).map((r) => r.closedAfterMs ?? Infinity));
    const answers = results.map((r) => ({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(r.answer)?.[1] ?? 408) }));
    return outcome(answers, problems, { 'headers cut after, s': (longest('headers') / 1000).toFixed(1), 'bodies cut after, s': (longest('body') / 1000).toFixed(1) }, [408]);
  },
};

/** Item 2: exports whose client never reads, and an admin retrying every two seconds. */
export function stalledExports(): Attack & { freedAfterMs: number | null } {
  const attack = {
    key: 'exports',
    name: 'stalled CSV exports: 10 that never read',
    item: '2',
    freedAfterMs: null as number | null,
    async run(ctx: AttackContext) {
      const auth = { Authorization: `Bearer ${ctx.stack.adminKey}` };
      const url = `${ctx.stack.appUrl}/api/admin/exports/payments.csv`;
      const started = Date.now();
      const stalled = await Promise.all(Array.from({ length: 10 }, () => hold(loopbackAddress(15, 1), url, auth)));
      const answers: Array<{ status: number; code?: string }> = [...stalled];
      const problems: string[] = [];
      const admitted = stalled.filter((s) => s.status === 200).length;
      if (admitted > 2) problems.push(`${admitted} exports admitted at once`);
      if (stalled.some((s) => s.status === 429 && s.code !== 'too_many_exports')) problems.push('a refused export did not say why');
      // The admin's retries, until an export gets through again.
      while (Date.now() - started < 60_000) {
        const retry = await send(loopbackAddress(15, 2), `${url}?from=2030-01-01`, { headers: auth });
        answers.push(retry);
        if (retry.status === 200) {
          attack.freedAfterMs = Date.now() - started;
          break;
        }
        await new Promise((r) => setTimeout(r, 2_000));
      }
      if (attack.freedAfterMs === null) problems.push('no export got through within 60 s');
      const { rows } = await ctx.db.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND query LIKE '/* admin-export:%' AND state <> 'idle' AND pid <> pg_backend_pid()");
      if (rows[0].n > 0) problems.push(`${rows[0].n} export queries still running in PostgreSQL`);
      for (const s of stalled) s.close();
      return outcome(answers, problems, { 'slots freed after, s': ((attack.freedAfterMs ?? 0) / 1000).toFixed(1) }, [200, 429]);
    },
  };
  return attack;
}

/** Found on the way: silent connections, reopened as fast as the server closes them. */
export const connectionFlood: Attack = {
  key: 'connections',
  name: 'silent connections: 20 hosts x 400, reopened for 25 s',
  item: 'found',
  async run(ctx) {
    const port = Number(new URL(ctx.stack.appUrl).port);
    const until = Date.now() + 25_000;
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => holdSilentConnections(loopbackAddress(16, i), port, 400, until)));
    const opened = results.reduce((s, r) => s + r.opened, 0);
    const closed = results.reduce((s, r) => s + r.closedByServer, 0);
    return { requests: opened, statuses: { 'closed by the server': closed }, problems: [], figures: { connections: opened } };
  },
};
