// The key a client address is counted under by every per-client limit. IPv6 addresses are grouped
// by /56 (what one customer is usually given, as express-rate-limit does); IPv4, and IPv4 mapped
// into IPv6 as a dual-stack server sees it, is the address itself (without parsing it: this runs
// for every connection, where a flood makes its cost count).
import { ipKeyGenerator } from 'express-rate-limit';

export function clientKey(address: string | undefined): string {
  if (!address) return 'unknown';
  if (!address.includes(':')) return address;
  if (address.startsWith('::ffff:') && address.includes('.')) return address.slice(7);
  return ipKeyGenerator(address, 56);
}
