/**
 * IVF, the tiny container libvpx and libaom write (and FFmpeg reads) for VP8/VP9/AV1 test streams:
 *
 *     file header (32 bytes, little-endian): 'DKIF' | version u16 = 0 | header size u16 = 32 | fourcc
 *       | width u16 | height u16 | timebase denominator u32 | timebase numerator u32 | frame count u32 | unused u32
 *     per frame (12 bytes): frame size u32 | pts u64, then the frame
 *
 * For tests only: frames go in and out whole, in memory.
 */
export type IvfFrame = { data: Uint8Array; pts: number };
export type IvfFile = { fourcc: 'VP80' | 'VP90' | 'AV01'; width: number; height: number; timebase: { num: number; den: number }; frames: IvfFrame[] };

export const writeIvf = (file: IvfFile): Uint8Array => {
  const total = 32 + file.frames.reduce((sum, frame) => sum + 12 + frame.data.length, 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  out.set(new TextEncoder().encode('DKIF'), 0);
  view.setUint16(4, 0, true);
  view.setUint16(6, 32, true);
  out.set(new TextEncoder().encode(file.fourcc), 8);
  view.setUint16(12, file.width, true);
  view.setUint16(14, file.height, true);
  view.setUint32(16, file.timebase.den, true);
  view.setUint32(20, file.timebase.num, true);
  view.setUint32(24, file.frames.length, true);
  let offset = 32;
  for (const frame of file.frames) {
    view.setUint32(offset, frame.data.length, true);
    view.setBigUint64(offset + 4, BigInt(frame.pts), true);
    out.set(frame.data, offset + 12);
    offset += 12 + frame.data.length;
  }
  return out;
};

export const readIvf = (bytes: Uint8Array): IvfFile => {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (new TextDecoder().decode(bytes.subarray(0, 4)) !== 'DKIF') {
    throw new Error('not an IVF file');
  }
  const headerSize = view.getUint16(6, true);
  const frames: IvfFrame[] = [];
  let offset = headerSize;
  while (offset + 12 <= bytes.length) {
    const size = view.getUint32(offset, true);
    const pts = Number(view.getBigUint64(offset + 4, true));
    frames.push({ data: bytes.slice(offset + 12, offset + 12 + size), pts });
    offset += 12 + size;
  }
  return {
    fourcc: new TextDecoder().decode(bytes.subarray(8, 12)) as IvfFile['fourcc'],
    width: view.getUint16(12, true),
    height: view.getUint16(14, true),
    timebase: { den: view.getUint32(16, true), num: view.getUint32(20, true) },
    frames,
  };
};
