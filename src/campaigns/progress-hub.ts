// Live campaign progress across instances. The payments trigger runs pg_notify('campaign_progress',
// <campaign id>) in the transaction that moves money, so every instance hears about every payment
// the moment it commits, whichever instance applied it. One LISTEN connection per instance fans
// out to its Server-Sent Events subscribers; nothing is kept in process memory that another
// instance would need.
import pg from 'pg';
import type { Logger } from 'pino';

export const PROGRESS_CHANNEL = 'campaign_progress';

export type ProgressListener = (campaignId: string) => void;

export interface ProgressHub {
  /** Calls `listener` with the campaign id after each committed change to its payments. */
  subscribe(listener: ProgressListener): () => void;
  /** Whether the LISTEN connection is up (if not, readers must not trust cached totals long). */
  readonly listening: boolean;
  close(): Promise<void>;
}

export function createProgressHub(options: { url: string; logger: Logger; reconnectMs?: number }): ProgressHub {
  const listeners = new Set<ProgressListener>();
  let client: pg.Client | null = null;
  let connecting: Promise<void> | null = null;
  let listening = false;
  let closed = false;
  let retryTimer: NodeJS.Timeout | undefined;

  const connect = (): Promise<void> => {
    connecting ??= (async () => {
      const next = new pg.Client({ connectionString: options.url, application_name: 'progress-listener' });
      next.on('notification', (message) => {
        if (message.channel !== PROGRESS_CHANNEL || !message.payload) return;
        for (const listener of listeners) listener(message.payload);
      });
      next.on('error', (error) => {
        options.logger.warn({ err: error }, 'progress listener lost its connection');
        dropAndRetry(next);
      });
      next.on('end', () => dropAndRetry(next));
      try {
        await next.connect();
        await next.query(`LISTEN ${PROGRESS_CHANNEL}`);
        if (closed) {
          await next.end();
          return;
        }
        client = next;
        listening = true;
        // Whatever changed while we were not listening: tell everyone to refresh.
        for (const listener of listeners) listener('*');
      } catch (error) {
        options.logger.warn({ err: error }, 'progress listener could not connect; retrying');
        dropAndRetry(next);
      } finally {
        connecting = null;
      }
    })();
    return connecting;
  };

  function dropAndRetry(failed: pg.Client) {
    if (client === failed) client = null;
    listening = false;
    failed.removeAllListeners('end');
    failed.end().catch(() => {});
    if (closed || retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      if (!closed && listeners.size > 0) void connect();
    }, options.reconnectMs ?? 1000);
    retryTimer.unref();
  }

  return {
    subscribe(listener) {
      listeners.add(listener);
      if (!client && !connecting) void connect();
      return () => listeners.delete(listener);
    },
    get listening() {
      return listening;
    },
    async close() {
      closed = true;
      clearTimeout(retryTimer);
      listeners.clear();
      await connecting;
      const current = client;
      client = null;
      listening = false;
      if (current) {
        current.removeAllListeners('end');
        await current.end().catch(() => {});
      }
    },
  };
}
