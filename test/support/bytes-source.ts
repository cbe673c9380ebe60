import type { ByteSource } from '../../src/io/call-record.js';

/** A log's bytes, as the file a reader thread would look kept calls up in. */
export function bytesSource(bytes: Buffer): ByteSource {
  return { size: bytes.length, read: (into, position) => bytes.copy(into, 0, position, Math.min(bytes.length, position + into.length)) };
}
