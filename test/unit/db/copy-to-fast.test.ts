// The COPY parser of src/db/copy-to-fast.ts against pg-copy-streams' own, on the same protocol
// bytes cut into socket reads at every offset: the same rows out, and the same bytes handed back
// to pg's parser after the COPY (CommandComplete, ReadyForQuery) or at an ErrorResponse.
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { to as copyTo } from 'pg-copy-streams';
import { describe, expect, it } from 'vitest';
import { fastCopyTo, scanCopyOut } from '../../../src/db/copy-to-fast.ts';

const message = (code: string, payload: Buffer | string = Buffer.alloc(0)): Buffer => {
  const body = Buffer.isBuffer(payload) ? payload : Buffer.from(payload);
  const head = Buffer.alloc(5);
  head.write(code, 0, 'latin1');
  head.writeUInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
};

const ROWS = [
  'payment_id,campaign,donor_name\n', 'a,alpha,"Smith, John"\n', 'b,yen,"say ""hi"",\nthen"\n', '', 'c,dinar,Zoë 😀 ＝1\n',
  `d,alpha,${'x'.repeat(70_000)}\n`, "e,alpha,'=HYPERLINK(1)\n",
];
const START = message('H', Buffer.from([0, 0, 3, 0, 0, 0, 0, 0, 0]));
const AFTER = Buffer.concat([message('C', 'COPY 6\0'), message('Z', 'I')]);
const COMPLETE = Buffer.concat([
  START, message('d', ROWS[0]), message('N', 'notice\0'), ...ROWS.slice(1).map((r) => message('d', r)), message('S', 'a\0b\0'),
  message('c'), AFTER,
]);
const ERROR_AND_AFTER = Buffer.concat([message('E', 'SERROR\0Mboom\0\0'), message('Z', 'I')]);
const FAILED = Buffer.concat([START, ...ROWS.slice(0, 3).map((r) => message('d', r)), ERROR_AND_AFTER]);

const ALL_ROWS = Buffer.from(ROWS.join('')).toString('latin1');

/**
 * The same as pg-copy-streams gives. Before an ErrorResponse, how much of the rows got out
 * depends on where the socket reads fell, in both parsers (pg-copy-streams hands on part of a
 * row; this one whole rows only): either way a prefix of the rows, then the error.
 */
async function expectSameAsLibrary(chunks: Buffer[]) {
  const [fast, library] = await Promise.all([run(fastCopyTo, chunks), run(copyTo, chunks)]);
  if (library.ended) {
    expect(fast).toEqual(library);
  } else {
    expect({ ...fast, out: '' }).toEqual({ ...library, out: '' });
    expect(ALL_ROWS.startsWith(fast.out)).toBe(true);
  }
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

/** Feeds `chunks` as socket reads to a COPY stream over a stand-in connection. */
async function run(factory: (sql: string) => ReturnType<typeof copyTo>, chunks: Buffer[]) {
  const socket = new Readable({ read() {} });
  const handedBack: Buffer[] = [];
  socket.on('data', (b: Buffer) => handedBack.push(b)); // pg's own parser
  const stream = factory('COPY x TO STDOUT');
  const out: Buffer[] = [];
  let ended = false;
  stream.on('data', (b: Buffer) => out.push(Buffer.from(b)));
  stream.on('end', () => (ended = true));
  stream.submit({ stream: socket, query() {} } as never);
  for (const chunk of chunks) {
    socket.push(Buffer.from(chunk)); // a copy: the fast parser works in place
    await tick();
  }
  for (let i = 0; i < 5; i++) await tick();
  return { out: Buffer.concat(out).toString('latin1'), handedBack: Buffer.concat(handedBack).toString('latin1'), ended };
}

const cut = (bytes: Buffer, at: number[]) =>
  [0, ...at, bytes.length].slice(1).map((end, i, ends) => bytes.subarray(i === 0 ? 0 : ends[i - 1], end));

describe('fastCopyTo', () => {
  it('gives the rows and the rest as pg-copy-streams does, cut anywhere (every single cut)', async () => {
    for (const bytes of [COMPLETE, FAILED]) {
      // Every offset in the small messages; every 997th in the 70 KB row.
      for (let at = 1; at < bytes.length; at += at > 200 && at < bytes.length - 200 ? 997 : 1) {
        await expectSameAsLibrary(cut(bytes, [at]));
      }
    }
  });

  it('gives the same as pg-copy-streams for random socket reads', async () => {
    await fc.assert(fc.asyncProperty(
      fc.constantFrom(COMPLETE, FAILED),
      fc.uniqueArray(fc.integer({ min: 1, max: COMPLETE.length - 1 }), { maxLength: 40 }),
      async (bytes, at) => {
        await expectSameAsLibrary(cut(bytes, at.filter((n) => n < bytes.length).sort((a, b) => a - b)));
      },
    ), { numRuns: 60, seed: 18 });
  });

  it('ends with every row, and hands what follows the COPY back to pg', async () => {
    const result = await run(fastCopyTo, [COMPLETE]);
    expect(result).toEqual({ out: ALL_ROWS, handedBack: AFTER.toString('latin1'), ended: true });
  });

  it('stops at an ErrorResponse and hands it to pg (which fails the query)', async () => {
    const result = await run(fastCopyTo, [FAILED]);
    expect(result.ended).toBe(false);
    expect(result.handedBack).toBe(ERROR_AND_AFTER.toString('latin1'));
  });
});

describe('scanCopyOut', () => {
  it('moves the rows to the front and leaves a message cut short unread', () => {
    const bytes = Buffer.concat([message('d', 'ab'), message('N', 'n\0'), message('d', 'cde'), message('d', 'fgh').subarray(0, 7)]);
    const scan = scanCopyOut(bytes);
    expect(scan).toEqual({ length: 5, consumed: bytes.length - 7, stop: null });
    expect(bytes.subarray(0, 5).toString()).toBe('abcde');
  });
});
