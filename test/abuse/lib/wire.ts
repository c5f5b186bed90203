// What attackers do on the wire that an HTTP client library will not: hold streams and
// downloads open without reading, trickle bytes, open connections and say nothing. Every socket
// is bound to a client address of 127.0.0.0/8 (no forged headers: the app runs with TRUST_PROXY=0).
import http from 'node:http';
import net from 'node:net';

export interface Held {
  status: number;
  code?: string;
  /** Gives the connection up. */
  close(): void;
  /** Resolves when the server ends the connection. */
  closed: Promise<void>;
}

/**
 * GET `url` from `address` and keep the response open without reading its body: a live stream
 * (text/event-stream) or a download whose reader never reads. A refusal (JSON) is read whole.
 */
export function hold(address: string, url: string, headers: Record<string, string> = {}): Promise<Held> {
  return new Promise((resolve) => {
    const req = http.get(url, { localAddress: address, agent: false, headers });
    const closed = new Promise<void>((r) => req.once('close', () => r()));
    const close = () => req.destroy();
    req.once('error', (error) => resolve({ status: 0, code: (error as NodeJS.ErrnoException).code ?? 'error', close, closed }));
    req.once('response', (res) => {
      if (res.statusCode === 200) {
        res.pause();
        return resolve({ status: 200, close, closed });
      }
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => {
        let code: string | undefined;
        try {
          code = JSON.parse(body).error?.code;
        } catch {
          code = 'not-json';
        }
        resolve({ status: res.statusCode ?? 0, code, close, closed });
      });
    });
  });
}

export interface Trickled {
  /** ms until the server closed the connection; null if it was still open when the attacker gave up. */
  closedAfterMs: number | null;
  /** The status line of whatever the server answered, if anything. */
  answer: string;
}

/** Sends `head` and then one byte of `drip` a second, until the server closes or `giveUpMs` passes. */
export function trickle(address: string, port: number, head: string, drip: string, giveUpMs: number): Promise<Trickled> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = net.connect({ host: '127.0.0.1', port, localAddress: address }, () => socket.write(head));
    let answer = '';
    let i = 0;
    const timer = setInterval(() => {
      if (!socket.destroyed) socket.write(drip[i++ % drip.length]!);
    }, 1_000);
    const done = (closedAfterMs: number | null) => {
      clearInterval(timer);
      clearTimeout(giveUp);
      socket.destroy();
      resolve({ closedAfterMs, answer: answer.split('\r\n')[0] ?? '' });
    };
    const giveUp = setTimeout(() => done(null), giveUpMs);
    socket.on('data', (c) => (answer += String(c)));
    socket.on('close', () => done(Date.now() - started));
    socket.on('error', () => {});
  });
}

/** Keeps `count` silent connections from `address` open until `untilMs`, reopening each one the server closes. */
export async function holdSilentConnections(address: string, port: number, count: number, untilMs: number): Promise<{ opened: number; closedByServer: number }> {
  let opened = 0;
  let closedByServer = 0;
  const live = new Set<net.Socket>();
  const open = () => {
    if (Date.now() >= untilMs) return;
    opened++;
    const socket = net.connect({ host: '127.0.0.1', port, localAddress: address });
    live.add(socket);
    socket.on('error', () => {});
    socket.once('close', () => {
      live.delete(socket);
      if (Date.now() < untilMs) {
        closedByServer++;
        setTimeout(open, 100);
      }
    });
  };
  for (let i = 0; i < count; i++) open();
  await new Promise((r) => setTimeout(r, Math.max(0, untilMs - Date.now())));
  for (const socket of live) socket.destroy();
  return { opened, closedByServer };
}
