// `npm run test:abuse`: the campaign's last night under attack (issue 12). The built app runs as in
// production (NODE_ENV=production, default limits, TRUST_PROXY=0) against the standalone Stripe
// emulator and an embedded PostgreSQL. While a steady honest donor gives every second from an
// address never used before (and reaches Checkout) and a reader polls the progress, each attack
// runs in turn, bounded in count and time, from its own addresses across 127.0.0.0/8: junk
// pledges, card testing, invisible names, hostile signed events, thousands of progress streams,
// trickled headers and bodies, stalled exports, and a flood of silent connections.
//
// Reports, per attack: requests per second, the honest donors' success and p99, the reader's, the
// app's peak memory and descriptors, and the time to recover. Fails (exit 1) on any honest
// failure, any 5xx (but the documented 503 of a full stream cap), or a defence found missing.
// The donors' p99 against the 1 s target is reported, not enforced: speed is for benchmarks, and
// this machine is shared. ABUSE_ONLY=junk,card-testing,names,digest,events,streams,slow,exports,connections
// runs some of the attacks; ABUSE_KEEP_LOGS=1 keeps the processes' logs of a passing run;
// CHAOS_CPU_PROF=<dir> writes CPU profiles of the processes (see test/chaos/lib/processes.ts).
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { killAllChildren, sleep, startChild } from '../chaos/lib/processes.ts';
import { loopbackAddress, requestFrom } from '../helpers/source-address.ts';
import type { HonestEvent } from './honest.ts';
import {
  cardTesting, connectionFlood, digestFlood, hostileEvents, invisibleNames, junk, slowClients, stalledExports, streamFlood,
  type Attack, type AttackContext,
} from './lib/attacks.ts';
import { monitor } from './lib/monitor.ts';
import { honestBetween, table, type AttackRecord } from './lib/report.ts';
import { ABUSE_SECRET_KEY, CAMPAIGN, startStack, type Stack } from './lib/stack.ts';

const t0 = Date.now();
const say = (line: string) => process.stdout.write(`[abuse ${((Date.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${line}\n`);
const DONOR_P99_TARGET_MS = 1_000;
const RECOVERY_TIMEOUT_MS = 60_000;

let stack: Stack | null = null;
process.on('exit', () => {
  killAllChildren();
  stack?.postgres.killSync();
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    process.stderr.write(`abuse: ${signal}, stopping\n`);
    process.exit(130);
  });
}

let probes = 0;
/** A fresh donor gives, the progress reads and the database is ready: the public site works. */
async function publicSiteWorks(s: Stack): Promise<boolean> {
  const address = loopbackAddress(202, probes++);
  try {
    const pledge = await requestFrom(address, `${s.appUrl}/api/pledges`, {
      method: 'POST', timeoutMs: 5_000, headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ campaign: CAMPAIGN, amount: 2500, currency: 'usd', frequency: 'once', email: `probe${probes}@example.org` }),
    });
    const progress = await requestFrom(address, `${s.appUrl}/api/campaigns/${CAMPAIGN}/progress`, { timeoutMs: 5_000 });
    const ready = await requestFrom(address, `${s.appUrl}/readyz`, { timeoutMs: 5_000 });
    return pledge.status === 201 && progress.status === 200 && ready.status === 200;
  } catch {
    return false;
  }
}

async function main(): Promise<number> {
  const logDir = await mkdtemp(path.join(os.tmpdir(), 'donations-abuse-logs-'));
  say(`logs in ${logDir}`);
  let ok = false;
  try {
    stack = await startStack(logDir, say);
    const db = new pg.Pool({ connectionString: stack.databaseUrl, max: 2 });
    const watch = monitor(stack.app.process.pid!);
    const honestEvents: HonestEvent[] = [];
    const honest = startChild('honest', 'test/abuse/honest.ts', [], {
      ABUSE_APP_URL: stack.appUrl, ABUSE_EMULATOR_URL: stack.emulatorUrl, ABUSE_CAMPAIGN: CAMPAIGN, ABUSE_SECRET_KEY,
    }, { logDir, ipc: true });
    honest.process.on('message', (event: HonestEvent) => honestEvents.push(event));

    const warmFrom = Date.now();
    await sleep(8_000);
    const baseline = { ...honestBetween(honestEvents, warmFrom, Date.now()), ...watch.now() };
    say(`at rest: ${Math.round(baseline.rssMb)} MB, ${baseline.fds} FDs; donors ${baseline.donorsOk}/${baseline.donors}, p99 ${Math.round(baseline.donorP99Ms)} ms`);

    const ctx: AttackContext = { stack, monitor: watch, db, say };
    const only = process.env.ABUSE_ONLY?.split(',').map((k) => k.trim());
    // Streams first: their memory is measured against a heap the other attacks have not grown yet.
    const attacks: Attack[] = [streamFlood(), junk, cardTesting, invisibleNames, digestFlood, hostileEvents, slowClients, stalledExports(), connectionFlood]
      .filter((a) => !only || only.includes(a.key));
    const records: AttackRecord[] = [];
    for (const attack of attacks) {
      say(`attack: ${attack.name}`);
      const startedAt = Date.now();
      const outcome = await attack.run(ctx);
      const endedAt = Date.now();
      // Recovered: the public site works, the descriptors are back near rest, and the attack's own
      // resource (a stream, an export) can be had again.
      let recoveredAt: number | null = null;
      while (Date.now() - endedAt < RECOVERY_TIMEOUT_MS) {
        const fdsBack = watch.now().fds <= baseline.fds + 64;
        if (fdsBack && (await publicSiteWorks(stack)) && (!attack.recovered || (await attack.recovered(ctx)))) {
          recoveredAt = Date.now();
          break;
        }
        await sleep(250);
      }
      if (recoveredAt === null) outcome.problems.push(`not recovered ${RECOVERY_TIMEOUT_MS / 1000} s after the attack`);
      const record: AttackRecord = { name: attack.name, item: attack.item, startedAt, endedAt, recoveredAt, outcome, peak: watch.peak(startedAt, recoveredAt ?? Date.now()) };
      records.push(record);
      const h = honestBetween(honestEvents, startedAt, endedAt);
      say(`  ${outcome.requests} requests in ${((endedAt - startedAt) / 1000).toFixed(1)} s: ${JSON.stringify(outcome.statuses)}; ${JSON.stringify(outcome.figures)}`);
      say(`  donors ${h.donorsOk}/${h.donors} p99 ${Math.round(h.donorP99Ms)} ms; polls ${h.readsOk}/${h.reads} p99 ${Math.round(h.readP99Ms)} ms; recovered in ${recoveredAt === null ? '-' : ((recoveredAt - endedAt) / 1000).toFixed(1)} s`);
      for (const p of outcome.problems) say(`  PROBLEM: ${p}`);
      await sleep(1_000);
    }

    honest.process.send({ type: 'stop' });
    await Promise.race([honest.exited, sleep(15_000)]);
    watch.stop();
    await db.end();

    const all = honestBetween(honestEvents, 0, Date.now());
    const failures = honestEvents.filter((e) => !e.ok);
    const peak = watch.peak();
    const problems = records.flatMap((r) => r.outcome.problems.map((p) => `${r.name}: ${p}`));
    for (const f of failures.slice(0, 20)) problems.push(`honest ${f.kind} failed at +${((f.at - t0) / 1000).toFixed(1)} s: ${f.status} ${f.error ?? ''}`);
    // The target is for the attacks of issue 12; the ones found on the way are reported beside.
    const p99Of = (rs: AttackRecord[]) => Math.max(0, ...rs.map((r) => honestBetween(honestEvents, r.startedAt, r.endedAt).donorP99Ms));
    const slowest = p99Of(records.filter((r) => r.item !== 'found'));
    const found = records.filter((r) => r.item === 'found');

    process.stdout.write(`\n${table(records, honestEvents)}\n\n`);
    say(`honest donors: ${all.donorsOk}/${all.donors} reached Checkout, p99 ${Math.round(all.donorP99Ms)} ms; worst p99 during an attack of the issue ${Math.round(slowest)} ms (target < ${DONOR_P99_TARGET_MS} ms: ${slowest < DONOR_P99_TARGET_MS ? 'met' : 'MISSED'})${found.length ? `, during the ones found on the way ${Math.round(p99Of(found))} ms` : ''}`);
    say(`progress polls: ${all.readsOk}/${all.reads} ok, p99 ${Math.round(all.readP99Ms)} ms`);
    say(`app at peak: ${Math.round(peak.rssMb)} MB resident, ${peak.fds} file descriptors (at rest ${Math.round(baseline.rssMb)} MB, ${baseline.fds})`);

    await mkdir('test-artifacts/abuse', { recursive: true });
    await writeFile('test-artifacts/abuse/report.json', JSON.stringify({ at: new Date().toISOString(), baseline, peak, honest: all, records }, null, 2));

    ok = problems.length === 0 && all.donors > 0 && all.donorsOk === all.donors && all.readsOk === all.reads;
    for (const p of problems) say(`FAILED: ${p}`);
    const checks = records.length + 1;
    const failed = records.filter((r) => r.outcome.problems.length).length + (failures.length ? 1 : 0);
    process.stdout.write(`${checks - failed} passed, ${failed} failed\n`);
    return ok ? 0 : 1;
  } finally {
    await stack?.stop().catch((error) => say(`stopping: ${String(error)}`));
    stack = null;
    if (ok && !process.env.ABUSE_KEEP_LOGS) await rm(logDir, { recursive: true, force: true });
    else say(`logs kept in ${logDir}`);
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`abuse run crashed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
