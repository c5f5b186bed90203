// Opaque keyset cursors: base64url JSON of the last row's sort key. Opaque so clients never build
// them (and the sort key can change without breaking anyone who follows nextCursor).
import { ValidationFailed } from '../errors.ts';

export interface Position {
  at: Date;
  id: string;
}

export function encodeCursor(p: Position): string {
  return Buffer.from(JSON.stringify([p.at.toISOString(), p.id])).toString('base64url');
}

export function decodeCursor(cursor: string | undefined, idPattern: RegExp = /^.{1,255}$/): Position | null {
  if (!cursor) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'string') {
      const at = new Date(value[0]);
      if (!Number.isNaN(at.getTime()) && idPattern.test(value[1])) return { at, id: value[1] };
    }
  } catch {
    // fall through: any undecodable cursor is the client's mistake
  }
  throw new ValidationFailed([{ field: 'cursor', message: 'is not a cursor from this API' }]);
}
