// The app as tests drive it: real database, silent (or captured) logs, a fixed clock if wanted.
import { Writable } from 'node:stream';
import { createApp, type AppDeps } from '../../src/app.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import type { Database } from '../../src/db/client.ts';

export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', ...env });
}

export function captureLogs() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, logger: createLogger('debug', stream) };
}

export function buildApp(db: Database, overrides: Partial<AppDeps> = {}) {
  return createApp({
    config: testConfig(),
    db,
    logger: createLogger('silent'),
    ...overrides,
  });
}
