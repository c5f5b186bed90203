// A bank deposit's CSV for the offline-gift tests (API, dashboard and browser).
/** A deposit of 50 checks to winter: $10.00, $10.50, $11.00 ... one row each, some with an email; received on `day` or early December. */
export function deposit(n = 50, day?: string): string {
  const rows = Array.from({ length: n }, (_, i) => {
    const cents = 1000 + i * 50;
    const amount = `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
    return `${day ?? `2026-12-0${1 + (i % 9)}`},${amount},USD,check,${5000 + i},Donor ${i},${i % 5 === 0 ? `donor${i}@example.org` : ''},winter`;
  });
  return ['date,amount,currency,method,reference,name,email,campaign', ...rows].join('\n') + '\n';
}
