// The HTTP server around the app, with limits on what one client can hold open. Node's defaults
// let a request trickle in for 300 s and check its timers only every 30 s, and accept connections
// until the process runs out of file descriptors (after which Stripe calls and database
// reconnections fail too). The values below pass a phone on a bad network with a wide margin: a
// 16 KB donation form (the largest body but a webhook's) takes about 5 s over 2G EDGE.
import http from 'node:http';
import { readFileSync } from 'node:fs';
import type { RequestListener } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { clientKey } from './client-key.ts';

export const SERVER_LIMITS = {
  /** All of a request's headers must arrive within this, from its first byte (or the connection's). */
  headersTimeoutMs: 20_000,
  /** The whole request, body included (a trickled body is cut here, with a 408). */
  requestTimeoutMs: 30_000,
  /** A kept-alive connection with no request in progress is closed after this. */
  keepAliveTimeoutMs: 5_000,
  /** How often Node checks the two timeouts above (its default, 30 s, lets them overrun by as much). */
  timeoutCheckMs: 1_000,
  /** Connections from one client address at once (only when the app faces clients directly). */
  connectionsPerClient: 128,
  /** File descriptors kept free of client connections: database pools, Stripe's sockets, files. */
  reservedDescriptors: 1_000,
};

/** The soft limit on open files (Linux: /proc/self/limits), or null when unknown. */
export function openFileLimit(): number | null {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
    const soft = Number(line?.split(/\s{2,}/)[1]);
    return Number.isFinite(soft) && soft > 0 ? soft : null;
  } catch {
    return null;
  }
}

export interface ServerOptions {
  /** TRUST_PROXY: behind proxies every connection comes from them, so no per-address cap. */
  trustProxy: number;
  logger: Logger;
  limits?: Partial<typeof SERVER_LIMITS>;
}

export function createHttpServer(app: RequestListener, options: ServerOptions): http.Server {
  const limits = { ...SERVER_LIMITS, ...options.limits };
  const server = http.createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      connectionsCheckingInterval: limits.timeoutCheckMs,
    },
    app,
  );
  const files = openFileLimit();
  if (files !== null && files > 2 * limits.reservedDescriptors) server.maxConnections = files - limits.reservedDescriptors;
  if (options.trustProxy === 0) capConnectionsPerClient(server, limits.connectionsPerClient, options.logger);
  return server;
}

/**
 * One host must not hold every connection the server will take (maxConnections), which would
 * shut everyone else out: beyond its share, its new connections are closed at once. The check
 * runs before Node's HTTP layer sees the socket (no parser, no timers are set up for it), so a
 * refused connection costs little more than its accept and close.
 */
function capConnectionsPerClient(server: http.Server, cap: number, logger: Logger): void {
  const open = new Map<string, number>();
  let dropped = 0;
  let reported = 0;
  const admit = (socket: Socket): boolean => {
    const key = clientKey(socket.remoteAddress);
    const count = (open.get(key) ?? 0) + 1;
    if (count > cap) {
      socket.destroy();
      dropped++;
      if (Date.now() - reported > 10_000) {
        reported = Date.now();
        logger.warn({ clientAddress: socket.remoteAddress, perClient: cap, droppedSoFar: dropped }, 'connection refused: too many from one client');
      }
      return false;
    }
    open.set(key, count);
    socket.once('close', () => {
      const left = (open.get(key) ?? 1) - 1;
      if (left > 0) open.set(key, left);
      else open.delete(key);
    });
    return true;
  };
  const emit = server.emit.bind(server) as (event: string | symbol, ...args: unknown[]) => boolean;
  server.emit = ((event: string | symbol, ...args: unknown[]) => {
    if (event === 'connection' && !admit(args[0] as Socket)) return true;
    return emit(event, ...args);
  }) as typeof server.emit;
}
