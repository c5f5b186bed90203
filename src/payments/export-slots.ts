// At most a few exports at once. Each streams from a connection of the admin pool for as long as
// its client downloads; without a cap, a few more exports than connections would queue staff's
// other work behind them (and, before the admin pool existed, everyone's). Beyond the cap: a 429
// that says so, rather than a request hanging until the pool gives up.
import { LimitReached } from '../errors.ts';

export interface ExportSlots {
  /** Takes a slot (or throws 429); the returned function gives it back, once however often called. */
  acquire(): () => void;
  readonly running: number;
  readonly limit: number;
}

export function createExportSlots(limit: number): ExportSlots {
  let running = 0;
  return {
    acquire() {
      if (running >= limit) {
        throw new LimitReached('too_many_exports', `${limit} exports are already running; try again when one has finished`, 30);
      }
      running++;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        running--;
      };
    },
    get running() {
      return running;
    },
    limit,
  };
}
