// Campaign progress as the public reads it, polled or streamed: computed at most once per change
// per instance. Totals are cached per campaign and dropped when the database says a payment moved
// (LISTEN/NOTIFY through the progress hub); if that connection is down, the cache lives only a
// second, so a reader is never more than a second behind. Concurrent readers share one read.
import { createHash } from 'node:crypto';
import type { Progress } from './campaign-service.ts';
import type { ProgressHub } from './progress-hub.ts';

export interface ProgressSnapshot {
  campaignId: string;
  progress: Progress;
  /**
   * The JSON body, serialised once per change rather than once per request. A string, not a
   * Buffer: Node writes a string body in the same system call as the headers, a Buffer in a
   * second chunk (writev), measurably slower on the poll.
   */
  body: string;
  /** Its length in bytes (Content-Length). */
  bytes: number;
  etag: string;
}

interface Entry {
  snapshot: Promise<ProgressSnapshot>;
  /** The snapshot once read, for callers that answer only from what is already there. */
  ready?: ProgressSnapshot;
  fetchedAt: number;
}

export interface ProgressReaderOptions {
  load: (slug: string) => Promise<{ campaignId: string; progress: Progress }>;
  hub?: ProgressHub;
  /** How long a cached value is trusted while notifications flow (days left moves with time). */
  listeningTtlMs?: number;
  /** ...and while they do not. */
  fallbackTtlMs?: number;
  now?: () => number;
}

export function createProgressReader(options: ProgressReaderOptions) {
  const cache = new Map<string, Entry>();
  const bySlugForCampaign = new Map<string, string>();
  const now = options.now ?? Date.now;

  options.hub?.subscribe((campaignId) => {
    if (campaignId === '*') return cache.clear();
    const slug = bySlugForCampaign.get(campaignId);
    if (slug) cache.delete(slug);
  });

  // Without a hub there is nothing to say a total moved: read through.
  function ttl(): number {
    if (!options.hub) return 0;
    return options.hub.listening ? (options.listeningTtlMs ?? 30_000) : (options.fallbackTtlMs ?? 1_000);
  }

  const fresh = (entry: Entry | undefined): entry is Entry => entry !== undefined && now() - entry.fetchedAt < ttl();

  return {
    /** The current snapshot; concurrent readers of a stale entry share one database read. */
    get(slug: string): Promise<ProgressSnapshot> {
      const entry = cache.get(slug);
      if (fresh(entry)) return entry.snapshot;
      const snapshot = options.load(slug).then(({ campaignId, progress }) => {
        bySlugForCampaign.set(campaignId, slug);
        const body = JSON.stringify(progress);
        return { campaignId, progress, body, bytes: Buffer.byteLength(body), etag: etagOf(body) };
      });
      const created: Entry = { snapshot, fetchedAt: now() };
      cache.set(slug, created);
      snapshot.then(
        (value) => void (created.ready = value),
        () => cache.get(slug) === created && cache.delete(slug),
      );
      return snapshot;
    },
    /** The current snapshot if it is cached and read already, without waiting: else undefined. */
    peek(slug: string): ProgressSnapshot | undefined {
      const entry = cache.get(slug);
      return fresh(entry) ? entry.ready : undefined;
    },
  };
}

function etagOf(body: string): string {
  return `W/"${createHash('sha1').update(body).digest('base64url').slice(0, 22)}"`;
}

export type ProgressReader = ReturnType<typeof createProgressReader>;
