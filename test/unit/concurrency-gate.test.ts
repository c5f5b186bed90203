// The concurrency gate in front of the digest sign-up: places, the line, the 429 beyond it, and
// clients that leave while running or waiting.
import { EventEmitter } from 'node:events';
import type { Request, Response } from 'express';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/http/app-error.ts';
import { concurrencyGate } from '../../src/http/concurrency-gate.ts';

function client(gate: ReturnType<typeof concurrencyGate>) {
  const res = new EventEmitter();
  const calls: unknown[] = [];
  gate({} as Request, res as unknown as Response, (error?: unknown) => void calls.push(error ?? 'next'));
  return { calls, close: () => res.emit('close') };
}

describe('concurrencyGate', () => {
  it('lets `concurrency` through, holds `maxWaiting` in line, refuses the rest with a 429, and hands places on', () => {
    const gate = concurrencyGate({ concurrency: 1, maxWaiting: 1, message: 'busy' });
    const first = client(gate);
    const second = client(gate);
    const third = client(gate);
    expect(first.calls).toEqual(['next']);
    expect(second.calls).toEqual([]);
    expect(third.calls).toHaveLength(1);
    expect(third.calls[0]).toBeInstanceOf(AppError);
    expect(third.calls[0]).toMatchObject({ status: 429, headers: { 'Retry-After': '5' } });
    first.close();
    expect(second.calls).toEqual(['next']);
    expect(client(gate).calls).toEqual([]); // the place is second's now
  });

  it('a client that leaves while waiting leaves the line; one that leaves while running frees its place', () => {
    const gate = concurrencyGate({ concurrency: 1, maxWaiting: 5, message: 'busy' });
    const running = client(gate);
    const leaving = client(gate);
    leaving.close();
    const staying = client(gate);
    running.close();
    expect(leaving.calls).toEqual([]);
    expect(staying.calls).toEqual(['next']);
    staying.close();
    expect(client(gate).calls).toEqual(['next']);
  });
});
