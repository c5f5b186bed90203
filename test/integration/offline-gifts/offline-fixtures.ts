// Shared by the offline-gift tests: the app on its own database with a staff key and two
// campaigns, and a bank deposit's CSV (API, dashboard and browser tests).
import { buildApp } from '../../helpers/app.ts';
import { createTestDatabase } from '../../helpers/database.ts';
import { bearer, campaign, mintKey } from '../admin/admin-fixtures.ts';

/** The app at a fixed time, a key labelled "Finance (Maria)", and the campaigns winter (USD) and yen (JPY). */
export async function offlineApp(now: Date) {
  const db = await createTestDatabase();
  const app = buildApp(db, { clock: () => now });
  const auth = bearer((await mintKey(db, 'Finance (Maria)')).key);
  await campaign(db, 'winter');
  await campaign(db, 'yen', 'jpy');
  return { db, app, auth };
}

/** A deposit of 50 checks to winter: $10.00, $10.50, $11.00 ... one row each, some with an email; received on `day` or early December. */
export function deposit(n = 50, day?: string): string {
  const rows = Array.from({ length: n }, (_, i) => {
    const cents = 1000 + i * 50;
    const amount = `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
    return `${day ?? `2026-12-0${1 + (i % 9)}`},${amount},USD,check,${5000 + i},Donor ${i},${i % 5 === 0 ? `donor${i}@example.org` : ''},winter`;
  });
  return ['date,amount,currency,method,reference,name,email,campaign', ...rows].join('\n') + '\n';
}
