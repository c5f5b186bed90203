// The load generator where wrk is not installed: autocannon (or, for bodies sent once each,
// fetch with a fixed number in flight) in a process of its own. Reads its job as JSON on stdin,
// writes the result as JSON on stdout. See load.ts.
import { text } from 'node:stream/consumers';
import autocannon from 'autocannon';
import type { LoadOptions, LoadResult, SendResult, SignedBody } from './load.ts';
import { mapConcurrent } from './pool.ts';

type Job = ({ kind: 'load' } & LoadOptions) | { kind: 'send'; url: string; bodies: SignedBody[]; connections: number };

async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.durationSeconds ?? 5,
    method: options.method ?? 'GET',
    headers: options.headers,
    body: options.body,
  });
  const seconds = result.duration > 0 ? result.duration : 1;
  return {
    requests: result.requests.total,
    requestsPerSecond: result.requests.total / seconds,
    p99Ms: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    bytesPerSecond: result.throughput.total / seconds,
  };
}

// Timed with the clock: autocannon's fixed-amount mode ends on a whole-second tick.
async function runSend(url: string, bodies: SignedBody[], connections: number): Promise<SendResult> {
  let failures = 0;
  const latencies: number[] = [];
  const started = performance.now();
  await mapConcurrent(bodies, connections, async ({ signature, payload }) => {
    const sent = performance.now();
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': signature }, body: payload });
    await res.arrayBuffer();
    latencies.push(performance.now() - sent);
    if (res.status !== 200) failures++;
  });
  latencies.sort((a, b) => a - b);
  return {
    perSecond: bodies.length / ((performance.now() - started) / 1000),
    failures,
    p99Ms: latencies[Math.floor(latencies.length * 0.99)] ?? 0,
  };
}

const job = JSON.parse(await text(process.stdin)) as Job;
const result = job.kind === 'load' ? await runLoad(job) : await runSend(job.url, job.bodies, job.connections);
process.stdout.write(JSON.stringify(result));
