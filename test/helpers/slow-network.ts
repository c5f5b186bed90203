// A pass-through HTTP proxy between the app's Stripe SDK and the emulator: the "network". A test
// can hold the answer to one request (Stripe has done the work, the reply is still on its way),
// which is how a slow request lands after something that started later.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HeldAnswer {
  /** Resolves once Stripe (the emulator) has answered and the answer is being held. */
  answered: Promise<void>;
  release(): void;
}

export interface SlowNetwork {
  port: number;
  /** Holds the answer to the next request that matches. */
  holdNext(match: (method: string, path: string) => boolean): HeldAnswer;
  close(): Promise<void>;
}

export async function startSlowNetwork(target: { port: number }): Promise<SlowNetwork> {
  const holds: Array<{ match: (method: string, path: string) => boolean; onAnswered: () => void; released: Promise<void> }> = [];
  const server = http.createServer((req, res) => {
    const index = holds.findIndex((h) => h.match(req.method ?? '', req.url ?? ''));
    const hold = index >= 0 ? holds.splice(index, 1)[0] : undefined;
    const upstream = http.request(
      { host: '127.0.0.1', port: target.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (c: Buffer) => chunks.push(c));
        answer.on('end', async () => {
          if (hold) {
            hold.onAnswered();
            await hold.released;
          }
          res.writeHead(answer.statusCode ?? 502, answer.headers).end(Buffer.concat(chunks));
        });
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    holdNext(match) {
      let onAnswered!: () => void;
      let release!: () => void;
      const answered = new Promise<void>((resolve) => (onAnswered = resolve));
      const released = new Promise<void>((resolve) => (release = resolve));
      holds.push({ match, onAnswered, released });
      return { answered, release };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
