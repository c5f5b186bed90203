// COPY ... TO STDOUT through pg-copy-streams, with its message parser replaced by one that works
// on whole buffers. PostgreSQL sends every row as a CopyData message ('d', a length, the row's
// bytes); pg-copy-streams takes each one apart through a buffer list (a subarray and a list entry
// per row, then a concat), which was most of the app's own CPU in a million-row export (profile:
// about 1.2 s of 2 s). This parser moves the rows' bytes together inside the buffer the socket
// read (copyWithin: no allocation per row) and hands them on as one slice.
//
// The rest is pg-copy-streams' (pinned at 7.0.0 in package.json): its _parse is replaced on the
// instance and keeps its contract. Bytes not yet parsed (a message cut by the socket read) stay in
// its `_buffer`, so `_detach` hands whatever follows the COPY (or an ErrorResponse) back to pg's
// own parser exactly as before. test/unit/db/copy-to-fast.test.ts compares both parsers on the
// same byte streams cut at every offset.
import { to as copyTo, type CopyToStreamQuery } from 'pg-copy-streams';

// Protocol message codes (PostgreSQL's "Message Formats").
const ERROR_RESPONSE = 0x45; // E
const COPY_DATA = 0x64; // d
// The messages PostgreSQL may send between CopyData rows; any other ends copy-out mode.
const INTERSPERSED = new Set([0x48 /* H CopyOutResponse */, 0x53 /* S ParameterStatus */, 0x4e /* N Notice */, 0x41 /* A Notification */]);

export interface CopyOutScan {
  /** Bytes of row data now at the start of the buffer. */
  length: number;
  /** Bytes of the buffer read: whole messages only. */
  consumed: number;
  /** `error`: an ErrorResponse starts at `consumed`. `done`: the COPY's last message was read. */
  stop: 'error' | 'done' | null;
}

/**
 * Reads the whole messages at the start of `buf` and moves the CopyData payloads to its front,
 * in place. What follows `consumed` is untouched.
 */
export function scanCopyOut(buf: Buffer): CopyOutScan {
  let read = 0;
  let write = 0;
  while (buf.length - read >= 5) {
    const code = buf[read]!;
    if (code === ERROR_RESPONSE) return { length: write, consumed: read, stop: 'error' };
    const end = read + 1 + buf.readUInt32BE(read + 1);
    if (end > buf.length) break;
    if (code === COPY_DATA) {
      if (write !== read + 5) buf.copyWithin(write, read + 5, end);
      write += end - read - 5;
    } else if (!INTERSPERSED.has(code)) {
      return { length: write, consumed: end, stop: 'done' };
    }
    read = end;
  }
  return { length: write, consumed: read, stop: null };
}

/** The parts of pg-copy-streams' CopyToStreamQuery (7.0.0) the parser works with. */
interface CopyToInternals {
  _buffer: { size: number; push(chunk: Buffer): void; take(n: number): Buffer };
  _detach(): void;
  _cleanup(): void;
  push(chunk: Buffer | null): boolean;
}

// Same contract as pg-copy-streams' _parse: returns whether the reader wants more (undefined
// when an error stops the COPY, whose rows of this chunk are then dropped, as there).
function parse(this: CopyToInternals, chunk: Buffer): boolean | undefined {
  const buf = this._buffer.size > 0 ? Buffer.concat([this._buffer.take(this._buffer.size), chunk]) : chunk;
  const scan = scanCopyOut(buf);
  if (scan.consumed < buf.length) this._buffer.push(buf.subarray(scan.consumed));
  if (scan.stop === 'error') {
    this._detach();
    return undefined;
  }
  const drained = scan.length > 0 ? this.push(buf.subarray(0, scan.length)) : true;
  if (scan.stop === 'done') {
    this._detach();
    this.push(null);
    this._cleanup();
  }
  return drained;
}

/** pg-copy-streams' `to(sql)`, parsing with scanCopyOut. */
export function fastCopyTo(sql: string): CopyToStreamQuery {
  const stream = copyTo(sql);
  (stream as unknown as { _parse: typeof parse })._parse = parse;
  return stream;
}
