// Applies and writes Prisma migrations offline, through Prisma's own WebAssembly schema engine
// (@prisma/schema-engine-wasm). The native schema engine that `prisma migrate` downloads is not
// available everywhere this runs; the WebAssembly engine is the same code and records history in
// `_prisma_migrations` exactly as `prisma migrate deploy` does, so the two stay interchangeable.
import { randomUUID } from 'node:crypto';
import { readFile, mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PROJECT_ROOT } from '../project-root.ts';
import { MigrationError, MIGRATIONS_DIR, migrationFolders } from './migration-state.ts';

export { MigrationError, MIGRATIONS_DIR };
import { bindMigrationAwareSqlAdapterFactory, ColumnTypeEnum } from '@prisma/driver-adapter-utils';
import type {
  MigrationList,
  SchemaEngine,
} from '@prisma/schema-engine-wasm/schema_engine_bg';

export const SCHEMA_PATH = path.join(PROJECT_ROOT, 'prisma/schema.prisma');
const LOCKFILE = 'migration_lock.toml';
const NO_FILTERS = { externalTables: [], externalEnums: [] };

// Node has WebAssembly; TypeScript only types it in the DOM lib, which a server should not load.
type ModuleImports = Record<string, unknown>;
declare const WebAssembly: {
  instantiate(bytes: Uint8Array, imports: Record<string, ModuleImports>): Promise<{ instance: { exports: Record<string, unknown> } }>;
};

type EngineModule = typeof import('@prisma/schema-engine-wasm/schema_engine_bg');
let engineModule: Promise<EngineModule> | undefined;
let lastPanic: string | undefined;

// Node 20 cannot import .wasm as an ES module, so instantiate it by hand and hand it to the glue.
// The compiled module is cached (it is code, not a connection): each engine still gets its own
// instance state through SchemaEngine.new.
function loadEngineModule(): Promise<EngineModule> {
  engineModule ??= (async () => {
    // The engine reports a Rust panic through this global before failing the call; keep the
    // message so the error says what went wrong instead of an opaque "unreachable".
    (globalThis as { PRISMA_WASM_PANIC_REGISTRY?: unknown }).PRISMA_WASM_PANIC_REGISTRY = {
      set_message(message: string) {
        lastPanic = message;
      },
    };
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

interface QueryResultLike {
  fields: Array<{ dataTypeID: number }>;
  rows: unknown[];
}

const PG_CHAR_OID = 18; // the one-byte "char" of the system catalogues (pg_constraint.contype...)
const PG_TEXT_OID = 25;

/**
 * Two gaps of @prisma/adapter-pg that only the schema engine runs into, closed here:
 * - the engine's catalogue queries return PostgreSQL's one-byte "char" type, which the adapter
 *   does not map (UnsupportedNativeDataType): it is passed through as the engine's Character;
 * - the adapter runs a migration script by splitting it on every ";", which breaks any
 *   function body (PL/pgSQL's $$...$$) and any comment holding a semicolon. PostgreSQL's simple
 * query protocol takes the whole script at once, and runs it as one implicit transaction, so a
 * migration that fails half-way leaves nothing behind.
 */
class WholeScriptPrismaPg extends PrismaPg {
  constructor(
    private readonly connectionString: string,
    private readonly pools: pg.Pool[],
    private readonly shadowDatabases: string[],
  ) {
    const pool = new pg.Pool({ connectionString, max: 4 });
    pools.push(pool);
    super(pool);
  }

  override async connect() {
    return sendScriptsWhole(await super.connect());
  }

  // The stock version clones the pool's settings, which for a pool handed in (as here) points the
  // shadow adapter back at the main database. Build it on a URL of its own; withEngine drops it.
  override async connectToShadowDb() {
    const database = `prisma_migrate_shadow_db_${randomUUID().replace(/-/g, '')}`;
    const main = await this.connect();
    try {
      await main.executeScript(`CREATE DATABASE "${database}"`);
    } finally {
      await main.dispose();
    }
    this.shadowDatabases.push(database);
    return new WholeScriptPrismaPg(withDatabase(this.connectionString, database), this.pools, []).connect();
  }

  async dropShadowDatabases(): Promise<void> {
    if (!this.shadowDatabases.length) return;
    const client = new pg.Client({ connectionString: this.connectionString });
    await client.connect();
    try {
      for (const database of this.shadowDatabases.splice(0)) {
        await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(database)} WITH (FORCE)`);
      }
    } finally {
      await client.end();
    }
  }
}

function withDatabase(connectionString: string, database: string): string {
  const url = new URL(connectionString);
  url.pathname = `/${database}`;
  return url.toString();
}

function sendScriptsWhole<T extends ScriptAdapter>(adapter: T): T {
  const inner = adapter as unknown as {
    client: { query(sql: string): Promise<unknown> };
    onError(error: unknown): never;
    performIO(query: unknown): Promise<QueryResultLike>;
    queryRaw(query: unknown): Promise<{ rows: unknown[]; columnTypes: number[] }>;
  };
  // The rows array travels from performIO to queryRaw's result: it keys which columns were "char".
  const charColumns = new WeakMap<unknown[], number[]>();
  const performIO = inner.performIO.bind(adapter);
  inner.performIO = async (query: unknown) => {
    const result = await performIO(query);
    const indexes = result.fields.flatMap((field, i) => (field.dataTypeID === PG_CHAR_OID ? [i] : []));
    for (const i of indexes) result.fields[i]!.dataTypeID = PG_TEXT_OID;
    if (indexes.length) charColumns.set(result.rows, indexes);
    return result;
  };
  const queryRaw = inner.queryRaw.bind(adapter);
  inner.queryRaw = async (query: unknown) => {
    const result = await queryRaw(query);
    for (const i of charColumns.get(result.rows) ?? []) result.columnTypes[i] = ColumnTypeEnum.Character;
    return result;
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
  // Our own pools, ended below: the engine holds an advisory lock on a pooled connection, and an
  // idle pool left to time out would keep the next run waiting for that lock.
  const pools: pg.Pool[] = [];
  const factory = new WholeScriptPrismaPg(connectionString, pools, []);
  const adapter = bindMigrationAwareSqlAdapterFactory(factory);
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
    await Promise.all(pools.map((pool) => (pool.ended ? undefined : pool.end())));
    await factory.dropShadowDatabases();
  }
}

function describeEngineError(error: unknown): string {
  if (lastPanic) {
    const panic = lastPanic;
    lastPanic = undefined;
    return `schema engine panicked: ${panic}`;
  }
  if (error instanceof Error) return error.message;
  if (error && typeof error === 'object' && 'message' in error) return String(error.message);
  try {
    return JSON.stringify(error);
  } catch {
    return String(error);
  }
}

export async function loadMigrationList(dir = MIGRATIONS_DIR): Promise<MigrationList> {
  const names = await migrationFolders(dir);
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
