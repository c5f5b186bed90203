// Run as a child process by the embedded PostgreSQL test: starts a server on the given data
// directory, leaves a mark in it, says "ready" and waits to be killed.
import pg from 'pg';
import { startEmbeddedPostgres } from '../../src/db/embedded-postgres.ts';

const server = await startEmbeddedPostgres({ dataDir: process.argv[2]!, database: 'kept' });
const client = new pg.Client({ connectionString: server.url });
await client.connect();
await client.query('CREATE TABLE IF NOT EXISTS marks (note text)');
await client.query("INSERT INTO marks VALUES ('before the crash')");
await client.end();
process.stdout.write('ready\n');
setInterval(() => {}, 1000);
