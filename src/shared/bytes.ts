/** Big-endian byte access on Uint8Array. Callers check bounds first; these never allocate. */

export const readU16Be = (bytes: Uint8Array, offset: number): number =>
  ((bytes[offset]! << 8) | bytes[offset + 1]!) >>> 0;

export const readU24Be = (bytes: Uint8Array, offset: number): number =>
  ((bytes[offset]! << 16) | (bytes[offset + 1]! << 8) | bytes[offset + 2]!) >>> 0;

export const readU32Be = (bytes: Uint8Array, offset: number): number =>
  ((bytes[offset]! << 24) | (bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!) >>> 0;

/** A signed 64-bit big-endian integer as a number (exact below 2^53, which µs timestamps are). */
export const readI64Be = (bytes: Uint8Array, offset: number): number => {
  const high = (bytes[offset]! << 24) | (bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!;
  return high * 2 ** 32 + readU32Be(bytes, offset + 4);
};

export const writeU16Be = (bytes: Uint8Array, offset: number, value: number): void => {
  bytes[offset] = (value >>> 8) & 0xff;
  bytes[offset + 1] = value & 0xff;
};

export const writeU32Be = (bytes: Uint8Array, offset: number, value: number): void => {
  bytes[offset] = (value >>> 24) & 0xff;
  bytes[offset + 1] = (value >>> 16) & 0xff;
  bytes[offset + 2] = (value >>> 8) & 0xff;
  bytes[offset + 3] = value & 0xff;
};

export const writeI64Be = (bytes: Uint8Array, offset: number, value: number): void => {
  const high = Math.floor(value / 2 ** 32);
  writeU32Be(bytes, offset, high >>> 0);
  writeU32Be(bytes, offset + 4, (value - high * 2 ** 32) >>> 0);
};

export const asciiEquals = (bytes: Uint8Array, offset: number, text: string): boolean => {
  if (offset + text.length > bytes.length) {
    return false;
  }
  for (let i = 0; i < text.length; i++) {
    if (bytes[offset + i] !== text.charCodeAt(i)) {
      return false;
    }
  }
  return true;
};

export const concatBytes = (parts: readonly Uint8Array[]): Uint8Array => {
  let length = 0;
  for (const part of parts) {
    length += part.length;
  }
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
};
