// Load through autocannon (HTTP/1.1 keep-alive, pipelining off), in this process, against a
// server in another process.
import autocannon from 'autocannon';

export interface LoadResult {
  requestsPerSecond: number;
  p99Ms: number;
  errors: number;
  non2xx: number;
  bytesPerSecond: number;
}

export async function load(options: {
  url: string;
  connections: number;
  durationSeconds?: number;
  amount?: number;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (req: { body?: string; headers?: Record<string, string> }) => { body?: string; headers?: Record<string, string> };
}): Promise<LoadResult> {
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    ...(options.amount ? { amount: options.amount } : { duration: options.durationSeconds ?? 5 }),
    method: options.method ?? 'GET',
    headers: options.headers,
    body: options.body,
    ...(options.setupRequest
      ? {
          requests: [
            {
              method: options.method ?? 'GET',
              setupRequest: ((req: Record<string, unknown>) => ({ ...req, ...options.setupRequest!(req) })) as never,
            },
          ],
        }
      : {}),
  });
  // Total over wall time: autocannon's per-second average is coarse on runs of a few seconds.
  const seconds = result.duration > 0 ? result.duration : 1;
  return {
    requestsPerSecond: result.requests.total / seconds,
    p99Ms: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    bytesPerSecond: result.throughput.total / seconds,
  };
}
