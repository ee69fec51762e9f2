import { invalidInput } from './errors.ts';

/**
 * Where a newest-first page ended, handed to the client as an opaque string (`next`) and back as
 * `before`: a row by its time and key (a message, a suppressed address), or an event by its time and seq.
 */
export type KeyCursor = { at: number; key: string };
export type PageCursor = KeyCursor | { at: number; seq: number };

export function encodePageCursor(position: PageCursor): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

/** Only what a page could have ended at: whole times and seqs, keys the databases can hold (no NUL). */
export function decodePageCursor(text: string): PageCursor {
  try {
    const value = JSON.parse(Buffer.from(text, 'base64url').toString()) as Record<string, unknown>;
    const { at, seq, key } = value;
    if (Number.isSafeInteger(at) && Number.isSafeInteger(seq)) return { at: at as number, seq: seq as number };
    if (Number.isSafeInteger(at) && typeof key === 'string' && !key.includes('\0')) return { at: at as number, key };
  } catch {
    // falls through to the error below
  }
  throw notACursor();
}

/** For lists of keyed rows only. */
export function decodeKeyCursor(text: string): KeyCursor {
  const cursor = decodePageCursor(text);
  if ('key' in cursor) return cursor;
  throw notACursor();
}

const notACursor = () => invalidInput('before: not a cursor this list gave out (use `next` from the previous page)');

/**
 * One page of a newest-first list: `read` gets the decoded `before` and asks for one row more than
 * the page, which tells whether an older page exists; `next` names the last row shown (null at the end).
 */
export async function readPage<T>(
  before: string | undefined,
  limit: number,
  read: (cursor: KeyCursor | undefined, limit: number) => Promise<T[]>,
  cursorOf: (row: T) => KeyCursor,
): Promise<{ shown: T[]; next: string | null }> {
  const rows = await read(before === undefined ? undefined : decodeKeyCursor(before), limit + 1);
  const shown = rows.slice(0, limit);
  const last = shown.at(-1);
  return { shown, next: rows.length > limit && last ? encodePageCursor(cursorOf(last)) : null };
}
