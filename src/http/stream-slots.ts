// Live progress streams (Server-Sent Events) hold a socket, a file descriptor and some memory for
// as long as the reader stays. Without a cap, one host opening 20,000 of them used up the
// process's file descriptors: new requests were refused and Stripe calls failed for lack of
// sockets. Streams are capped per client address and in total, well under the descriptor limit,
// so the rest stays for everything else; beyond the cap the answer says so (429 for one address,
// 503 when all are taken) and readers fall back to polling /progress, which is never capped here.
import { clientKey } from './client-key.ts';
import { AppError } from './app-error.ts';

export interface StreamSlots {
  /** Takes a slot for this client address (or throws 429/503); the function gives it back, once. */
  acquire(clientAddress: string | undefined): () => void;
  /** Streams open now (for metrics). */
  readonly open: number;
}

export function createStreamSlots(limits: { total: number; perClient: number }): StreamSlots {
  const perClient = new Map<string, number>();
  let open = 0;
  return {
    acquire(clientAddress) {
      const key = clientKey(clientAddress);
      const mine = perClient.get(key) ?? 0;
      if (mine >= limits.perClient) {
        throw new AppError(429, 'too_many_streams', `At most ${limits.perClient} live progress streams per client; poll the progress endpoint instead`, undefined, {
          'Retry-After': '60',
        });
      }
      if (open >= limits.total) {
        throw new AppError(503, 'streams_full', 'The live progress stream is full right now; poll the progress endpoint instead', undefined, {
          'Retry-After': '30',
        });
      }
      open++;
      perClient.set(key, mine + 1);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        open--;
        const left = (perClient.get(key) ?? 1) - 1;
        if (left > 0) perClient.set(key, left);
        else perClient.delete(key);
      };
    },
    get open() {
      return open;
    },
  };
}
