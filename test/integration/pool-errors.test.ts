// A connection the server ends while it is checked out between two queries (what a PostgreSQL
// restart does to a transaction in flight) must not crash the process: vitest would report the
// unhandled 'error' event and fail this file.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

it('survives the server terminating a checked-out connection, and the pool carries on', async () => {
  const client = await db.pool.connect();
  const { rows } = await client.query('SELECT pg_backend_pid() AS pid');
  await db.pool.query('SELECT pg_terminate_backend($1)', [rows[0].pid]);
  await new Promise((resolve) => setTimeout(resolve, 200)); // the FATAL arrives while idle
  await expect(client.query('SELECT 1')).rejects.toThrow();
  client.release(true);
  const after = await db.pool.query('SELECT 1 AS ok');
  expect(after.rows).toEqual([{ ok: 1 }]);
});
