// Response headers that depend only on the app's configuration, never on the request (helmet's,
// with no nonces), worked out once at start: each response then gets them from a list instead of
// through helmet's dozen middleware functions (measured on progress reads, see BENCHMARKS.md).
import type { RequestHandler } from 'express';

export interface StaticHeaders {
  /** The headers as set, in order. */
  headers: ReadonlyArray<readonly [string, string]>;
  /** Header names the middleware removes (helmet removes X-Powered-By). */
  removed: readonly string[];
  handler: RequestHandler;
}

/** Runs `middleware` once against a recording response and replays what it set. */
export function precomputeHeaders(middleware: RequestHandler): StaticHeaders {
  const set = new Map<string, string>();
  const removed: string[] = [];
  let calledNext = false;
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]) {
      if (typeof value !== 'string') throw new Error(`precomputeHeaders: ${name} is not a single string`);
      set.set(name, value);
      return recorder;
    },
    removeHeader(name: string) {
      set.delete(name);
      removed.push(name);
    },
  };
  middleware({ method: 'GET', url: '/', headers: {} } as never, recorder as never, ((error?: unknown) => {
    if (error) throw error;
    calledNext = true;
  }) as never);
  // A middleware that answers, waits or depends on the request cannot be replayed.
  if (!calledNext) throw new Error('precomputeHeaders: the middleware did not call next() synchronously');
  const headers = [...set];
  return {
    headers,
    removed,
    handler: (_req, res, next) => {
      for (const [name, value] of headers) res.setHeader(name, value);
      next();
    },
  };
}
