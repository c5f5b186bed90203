// At most `concurrency` requests of one kind past this point at once; the others wait for a place
// in memory, holding no database connection, up to `maxWaiting` of them; beyond that, a 429. For
// public writes whose flood would otherwise take the donors' connection pool (the digest sign-up:
// every one is a transaction, and a hundred addresses within their own limits are many at once).
// A place is held until the answer is sent or the client goes away; a client that goes away while
// waiting leaves the line.
import type { RequestHandler } from 'express';
import { AppError } from './app-error.ts';

export function concurrencyGate(o: { concurrency: number; maxWaiting: number; message: string }): RequestHandler {
  let running = 0;
  const line: Array<() => void> = [];
  // Hands the place to the next in line (which keeps it counted), or frees it.
  const release = () => {
    const start = line.shift();
    if (start) start();
    else running--;
  };
  return (_req, res, next) => {
    let state: 'waiting' | 'running' | 'done' = 'waiting';
    const start = () => {
      if (state !== 'waiting') return release();
      state = 'running';
      next();
    };
    // 'close' comes once the answer is sent, or when the connection drops.
    res.once('close', () => {
      if (state === 'running') release();
      else if (state === 'waiting') {
        const at = line.indexOf(start);
        if (at >= 0) line.splice(at, 1);
      }
      state = 'done';
    });
    if (running < o.concurrency) {
      running++;
      return start();
    }
    if (line.length >= o.maxWaiting) {
      state = 'done';
      return next(new AppError(429, 'rate_limited', o.message, undefined, { 'Retry-After': '5' }));
    }
    line.push(start);
  };
}
