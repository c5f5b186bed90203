// A COPY arrives as PostgreSQL sends it: about 12 KB per socket read (its 8 KB packets, as many as
// were waiting). Handed on one by one, each became a write to the client's socket, a chunk of the
// chunked encoding and a read on the other end: some 23,000 of each for a million payments.
// Gathered into writes of `size` bytes or more, the bytes are the same and the calls a fifth of
// that (measured on 1M payments: about 0.2 s less system CPU in the app, and about 0.6 s less CPU
// in the client reading the download). Backpressure is untouched: the transform holds at most one
// write's worth and waits on its reader like any other stream in a pipeline.
import { Transform } from 'node:stream';

export const COALESCED_WRITE_BYTES = 64 * 1024;

export function coalesce(size = COALESCED_WRITE_BYTES): Transform {
  let pending: Buffer[] = [];
  let length = 0;
  const take = (): Buffer => {
    const out = pending.length === 1 ? pending[0]! : Buffer.concat(pending, length);
    pending = [];
    length = 0;
    return out;
  };
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      pending.push(chunk);
      length += chunk.length;
      if (length >= size) done(null, take());
      else done();
    },
    flush(done) {
      if (length > 0) done(null, take());
      else done();
    },
  });
}
