// A long response (a CSV export) whose client stops reading would otherwise hold its resources
// (an export slot, a database connection running a COPY) for as long as the TCP connection
// lives, which is forever for a client that keeps it open and reads nothing. Backpressure tells us
// when that happens: the response needs a 'drain' that never comes. Time spent waiting on our
// own side (a COPY still sorting) never counts, only time blocked on the client.
import type { Writable } from 'node:stream';

export function endWhenStalled(res: Writable, stallMs: number, onStall: () => void): void {
  let drains = 0;
  let seenDrains = 0;
  let blockedSince: number | null = null;
  const onDrain = () => {
    drains++;
  };
  const timer = setInterval(() => {
    const progressed = drains !== seenDrains;
    seenDrains = drains;
    if (!res.writableNeedDrain || progressed) {
      blockedSince = res.writableNeedDrain ? Date.now() : null;
      return;
    }
    blockedSince ??= Date.now();
    if (Date.now() - blockedSince < stallMs) return;
    stop();
    onStall();
    res.destroy();
  }, Math.max(50, Math.min(1_000, stallMs / 4)));
  timer.unref();
  const stop = () => {
    clearInterval(timer);
    res.off('drain', onDrain);
  };
  res.on('drain', onDrain);
  res.once('close', stop);
}
