/**
 * A test-only AV1 packetizer written from the RTP Payload Format for AV1 (v1.0) §4-5: a temporal unit's
 * OBUs, temporal delimiter dropped and obu_size removed, packed into packets of at most `mtu` bytes as OBU
 * elements; large OBUs are fragmented with Y (continues in the next packet) and Z (continues the
 * previous). `counted` uses W = 1..3 (last element without length) where it can, else W = 0.
 */
import { Av1ObuType, iterateObus, writeLeb128 } from '../../src/codec/av1.js';
import { concatBytes } from '../../src/shared/bytes.js';

/** The OBUs of a low overhead temporal unit as RTP OBU elements: no temporal delimiter, no obu_size. */
export const av1ObuElements = (temporalUnit: Uint8Array): Uint8Array[] =>
  [...iterateObus(temporalUnit)]
    .filter((obu) => obu.type !== Av1ObuType.TemporalDelimiter)
    .map((obu) => {
      const header = temporalUnit.slice(obu.offset, obu.offset + obu.headerLength);
      header[0] = header[0]! & ~0x02;
      return concatBytes([header, temporalUnit.subarray(obu.payloadOffset, obu.payloadOffset + obu.payloadLength)]);
    });

type Packet = { z: boolean; y: boolean; elements: Uint8Array[] };

const serializePacket = (packet: Packet, n: boolean, counted: boolean): Uint8Array => {
  const w = counted && packet.elements.length <= 3 ? packet.elements.length : 0;
  const header = (packet.z ? 0x80 : 0) | (packet.y ? 0x40 : 0) | (w << 4) | (n ? 0x08 : 0);
  const parts: Uint8Array[] = [Uint8Array.of(header)];
  packet.elements.forEach((element, index) => {
    if (w === 0 || index < w - 1) {
      parts.push(writeLeb128(element.length));
    }
    parts.push(element);
  });
  return concatBytes(parts);
};

export const packetizeAv1TemporalUnit = (temporalUnit: Uint8Array, options: { mtu: number; counted: boolean }): Uint8Array[] => {
  const elements = av1ObuElements(temporalUnit);
  const startsSequence = elements.some((element) => ((element[0]! >> 3) & 0x0f) === Av1ObuType.SequenceHeader);
  const packets: Packet[] = [];
  let current: Packet = { z: false, y: false, elements: [] };
  let used = 1;
  const flush = (y: boolean): void => {
    current.y = y;
    packets.push(current);
    current = { z: y, y: false, elements: [] };
    used = 1;
  };
  for (const element of elements) {
    let offset = 0;
    while (offset < element.length) {
      if (options.mtu - used - 2 < 16) {
        flush(false);
      }
      const take = Math.min(options.mtu - used - 2, element.length - offset);
      current.elements.push(element.subarray(offset, offset + take));
      used += 2 + take;
      offset += take;
      if (offset < element.length) {
        flush(true);
      }
    }
  }
  if (current.elements.length > 0) {
    flush(false);
  }
  return packets.map((packet, index) => serializePacket(packet, index === 0 && startsSequence, options.counted));
};
