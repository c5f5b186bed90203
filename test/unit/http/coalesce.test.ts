// coalesce (src/http/coalesce.ts): the same bytes in fewer, larger writes, the last one whatever is left.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { coalesce } from '../../../src/http/coalesce.ts';

async function through(chunks: Buffer[], size: number): Promise<Buffer[]> {
  const out: Buffer[] = [];
  await pipeline(Readable.from(chunks), coalesce(size), async (source: AsyncIterable<Buffer>) => {
    for await (const chunk of source) out.push(chunk);
  });
  return out;
}

describe('coalesce', () => {
  it('writes the same bytes, each write but the last at least `size` long', async () => {
    await fc.assert(fc.asyncProperty(
      fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 60 }),
      fc.integer({ min: 1, max: 1_000 }),
      async (arrays, size) => {
        const chunks = arrays.map((a) => Buffer.from(a));
        const out = await through(chunks, size);
        expect(Buffer.concat(out)).toEqual(Buffer.concat(chunks));
        for (const chunk of out.slice(0, -1)) expect(chunk.length).toBeGreaterThanOrEqual(size);
        expect(out.every((chunk) => chunk.length > 0)).toBe(true);
      },
    ), { numRuns: 200, seed: 18 });
  });

  it('writes nothing for nothing', async () => {
    expect(await through([], 64)).toEqual([]);
  });
});
