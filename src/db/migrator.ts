// Applies and writes Prisma migrations offline, through Prisma's own WebAssembly schema engine
// (@prisma/schema-engine-wasm). The native schema engine that `prisma migrate` downloads is not
// available everywhere this runs; the WebAssembly engine is the same code and records history in
// `_prisma_migrations` exactly as `prisma migrate deploy` does, so the two stay interchangeable.
import { readFile, readdir, mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import type {
  MigrationList,
  SchemaEngine,
} from '@prisma/schema-engine-wasm/schema_engine_bg';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SCHEMA_PATH = path.join(ROOT, 'prisma/schema.prisma');
export const MIGRATIONS_DIR = path.join(ROOT, 'prisma/migrations');
const LOCKFILE = 'migration_lock.toml';
const NO_FILTERS = { externalTables: [], externalEnums: [] };

// Node has WebAssembly; TypeScript only types it in the DOM lib, which a server should not load.
type ModuleImports = Record<string, unknown>;
declare const WebAssembly: {
  instantiate(bytes: Uint8Array, imports: Record<string, ModuleImports>): Promise<{ instance: { exports: Record<string, unknown> } }>;
};

type EngineModule = typeof import('@prisma/schema-engine-wasm/schema_engine_bg');
let engineModule: Promise<EngineModule> | undefined;

// Node 20 cannot import .wasm as an ES module, so instantiate it by hand and hand it to the glue.
// The compiled module is cached (it is code, not a connection): each engine still gets its own
// instance state through SchemaEngine.new.
function loadEngineModule(): Promise<EngineModule> {
  engineModule ??= (async () => {
    const glue: EngineModule = await import('@prisma/schema-engine-wasm/schema_engine_bg');
    const gluePath = createRequire(import.meta.url).resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    const wasmPath = gluePath.replace(/\.js$/, '.wasm');
    const { instance } = await WebAssembly.instantiate(await readFile(wasmPath), {
      './schema_engine_bg.js': withUnrefTimers(glue as unknown as ModuleImports),
    });
    glue.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return glue;
  })();
  return engineModule;
}

// The engine's runtime leaves idle timers behind after its work is done; unref them so a
// migration does not hold the process (a CLI, a test worker) open for seconds afterwards.
function withUnrefTimers(imports: ModuleImports): ModuleImports {
  const wrapped: ModuleImports = { ...imports };
  for (const [name, fn] of Object.entries(imports)) {
    if (!name.startsWith('__wbg_setTimeout_') || typeof fn !== 'function') continue;
    wrapped[name] = (...args: unknown[]) => {
      const timer = (fn as (...a: unknown[]) => unknown)(...args);
      (timer as { unref?: () => void } | undefined)?.unref?.();
      return timer;
    };
  }
  return wrapped;
}

interface ScriptAdapter {
  executeScript(script: string): Promise<void>;
}

/**
 * @prisma/adapter-pg runs a migration script by splitting it on every ";", which breaks any
 * function body (PL/pgSQL's $$...$$) and any comment holding a semicolon. PostgreSQL's simple
 * query protocol takes the whole script at once, and runs it as one implicit transaction, so a
 * migration that fails half-way leaves nothing behind.
 */
class WholeScriptPrismaPg extends PrismaPg {
  override async connect() {
    return sendScriptsWhole(await super.connect());
  }

  override async connectToShadowDb() {
    return sendScriptsWhole(await super.connectToShadowDb());
  }
}

function sendScriptsWhole<T extends ScriptAdapter>(adapter: T): T {
  const inner = adapter as unknown as {
    client: { query(sql: string): Promise<unknown> };
    onError(error: unknown): never;
  };
  adapter.executeScript = async (script: string) => {
    try {
      await inner.client.query(script);
    } catch (error) {
      inner.onError(error);
    }
  };
  return adapter;
}

async function withEngine<T>(
  connectionString: string,
  use: (engine: SchemaEngine, schema: string) => Promise<T>,
): Promise<T> {
  const { SchemaEngine } = await loadEngineModule();
  const schema = await readFile(SCHEMA_PATH, 'utf8');
  // Our own pool, ended below: the engine holds an advisory lock on a pooled connection, and an
  // idle pool left to time out would keep the next run waiting for that lock.
  const pool = new pg.Pool({ connectionString, max: 2 });
  const adapter = bindMigrationAwareSqlAdapterFactory(new WholeScriptPrismaPg(pool));
  const logs: string[] = [];
  const engine = await SchemaEngine.new(
    { datamodels: [[SCHEMA_PATH, schema]] },
    (line: string) => logs.push(line),
    adapter,
  );
  try {
    return await use(engine, schema);
  } catch (error) {
    throw new MigrationError(describeEngineError(error), logs);
  } finally {
    engine.free();
    await pool.end();
  }
}

export class MigrationError extends Error {
  constructor(
    message: string,
    readonly engineLog: string[],
  ) {
    super(message);
    this.name = 'MigrationError';
  }
}

function describeEngineError(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (error && typeof error === 'object' && 'message' in error) return String(error.message);
  try {
    return JSON.stringify(error);
  } catch {
    return String(error);
  }
}

export async function loadMigrationList(dir = MIGRATIONS_DIR): Promise<MigrationList> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const names = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  const migrationDirectories = await Promise.all(
    names.map(async (name) => {
      const content = await readFile(path.join(dir, name, 'migration.sql'), 'utf8').then(
        (value) => ({ tag: 'ok' as const, value }),
        (error: Error) => ({ tag: 'error' as const, value: error.message }),
      );
      return { path: name, migrationFile: { path: 'migration.sql', content } };
    }),
  );
  const lockContent = await readFile(path.join(dir, LOCKFILE), 'utf8').catch(() => null);
  return {
    baseDir: dir,
    lockfile: { path: LOCKFILE, content: lockContent },
    shadowDbInitScript: '',
    migrationDirectories,
  };
}

/** Applies every migration not yet applied; returns the names it applied. */
export async function applyMigrations(connectionString: string, dir = MIGRATIONS_DIR): Promise<string[]> {
  const migrationsList = await loadMigrationList(dir);
  return withEngine(connectionString, async (engine) => {
    const { appliedMigrationNames } = await engine.applyMigrations({ migrationsList, filters: NO_FILTERS });
    return appliedMigrationNames;
  });
}

/**
 * Writes prisma/migrations/<timestamp>_<name>/migration.sql with the SQL that takes the migration
 * history to schema.prisma. The engine replays the history on a temporary shadow database on the
 * given server to know where it stands. Returns the new folder, or null when nothing changed.
 */
export async function createMigration(
  connectionString: string,
  name: string,
  dir = MIGRATIONS_DIR,
): Promise<string | null> {
  const migrationsList = await loadMigrationList(dir);
  const sql = await withEngine(connectionString, async (engine, schema) => {
    const from =
      migrationsList.migrationDirectories.length === 0
        ? { tag: 'empty' as const }
        : { tag: 'migrations' as const, ...migrationsList };
    const result = await engine.diff({
      from,
      to: { tag: 'schemaDatamodel', files: [{ path: SCHEMA_PATH, content: schema }] },
      script: true,
      exitCode: true,
      filters: NO_FILTERS,
    });
    return result.exitCode === 2 ? (result.stdout ?? '') : null;
  });
  if (!sql) return null;
  const folder = path.join(dir, `${migrationTimestamp(new Date())}_${slugify(name)}`);
  await mkdir(folder, { recursive: true });
  await writeFile(path.join(folder, 'migration.sql'), sql);
  await writeFile(
    path.join(dir, LOCKFILE),
    '# Please do not edit this file manually\n# It should be added in your version-control system (e.g., Git)\nprovider = "postgresql"\n',
  );
  return folder;
}

function migrationTimestamp(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

function slugify(name: string): string {
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');
  if (!slug) throw new Error('A migration needs a name, e.g. npm run db:migration -- add_payouts');
  return slug;
}
