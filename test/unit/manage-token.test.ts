import { describe, expect, it } from 'vitest';
import { redactUrl } from '../../src/http/request-logging.ts';
import { checkManageToken, signManageToken } from '../../src/manage/manage-token.ts';

const SECRET = 'unit-test-secret-of-at-least-thirty-two-chars';
const now = new Date('2026-12-01T12:00:00Z');

describe('manage tokens', () => {
  it('name one donor (lower-cased) until they expire', () => {
    const token = signManageToken('Ann@Example.org', new Date('2026-12-02T12:00:00Z'), SECRET);
    expect(checkManageToken(token, SECRET, now)).toEqual({ ok: true, email: 'ann@example.org', expiresAt: new Date('2026-12-02T12:00:00Z') });
    expect(checkManageToken(token, SECRET, new Date('2026-12-02T12:00:00Z'))).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuse any change, another key, and junk', () => {
    const token = signManageToken('ann@example.org', new Date('2026-12-02T12:00:00Z'), SECRET);
    const [payload, sig] = token.split('.') as [string, string];
    const other = Buffer.from(JSON.stringify({ e: 'bob@example.org', x: 1_900_000_000 })).toString('base64url');
    expect(checkManageToken(`${other}.${sig}`, SECRET, now)).toEqual({ ok: false, reason: 'tampered' });
    expect(checkManageToken(token, `${SECRET}x`, now)).toEqual({ ok: false, reason: 'tampered' });
    expect(checkManageToken(`${payload}.${sig.slice(1)}A`, SECRET, now).ok).toBe(false);
    expect(checkManageToken('nonsense', SECRET, now)).toEqual({ ok: false, reason: 'malformed' });
    expect(checkManageToken(`${'a'.repeat(2000)}.${sig}`, SECRET, now)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('never reach the request log', () => {
    const token = signManageToken('ann@example.org', new Date('2026-12-02T12:00:00Z'), SECRET);
    expect(redactUrl(`/manage/${token}/gifts/0b6f6f2e-0000-4000-8000-000000000000/cancel`)).toBe(
      '/manage/[redacted]/gifts/0b6f6f2e-0000-4000-8000-000000000000/cancel',
    );
    expect(redactUrl(`/manage/${token}?amount=%2410`)).toBe('/manage/[redacted]?amount=%2410');
  });
});
