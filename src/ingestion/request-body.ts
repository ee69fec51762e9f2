import { gunzipSync } from 'node:zlib';
import { GodwitError, invalidInput } from '../shared/errors.ts';
import { MAX_BATCH_BYTES } from './prepare-messages.ts';

/**
 * Decodes an ingestion body: gzip or identity, JSON sent as application/json or text/plain
 * (analytics.js uses text/plain to avoid a CORS preflight). The size limit applies after gunzip.
 */
export function decodeJsonBody(raw: Buffer | Uint8Array, contentEncoding: string | undefined): unknown {
  // From a worker the bytes arrive as a plain Uint8Array; a Buffer view decodes them as UTF-8.
  let bytes = Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  const encoding = (contentEncoding ?? 'identity').trim().toLowerCase();
  if (encoding === 'gzip') {
    try {
      bytes = gunzipSync(raw, { maxOutputLength: MAX_BATCH_BYTES + 1 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge();
      throw invalidInput('the body is marked gzip but could not be decompressed');
    }
  } else if (encoding !== 'identity') {
    throw invalidInput(`unsupported Content-Encoding "${encoding}": send gzip or no encoding`);
  }
  if (bytes.length > MAX_BATCH_BYTES) throw tooLarge();
  if (bytes.length === 0) throw invalidInput('the body is empty: send a JSON object');
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw invalidInput(`the body is not valid JSON: ${(error as Error).message}`);
  }
}

const tooLarge = () => new GodwitError('too_large', 'the body is larger than the 500 KB limit for a batch');
