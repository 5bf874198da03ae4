import { describe, expect, test } from 'vitest';
import { probeVideoPacket, type VideoCodec, type VideoPacketInfo } from './video-probe.js';

const hex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text.replace(/\s+/g, ''), 'hex'));

type Case = { name: string; codec: VideoCodec; payload: Uint8Array; expected: VideoPacketInfo };

// "Real" rows are RTP payloads (12-byte RTP header removed, cut after the bytes that matter) captured from
// `ffmpeg ... -f rtp` with libvpx, libvpx-vp9, libx264 and libx265; AV1 rows are real libaom OBUs
// packetized by hand because FFmpeg 5.1 has no AV1 packetizer.
const cases: Case[] = [
  {
    name: 'VP8 key frame start carries 320x240 (real)',
    codec: 'vp8',
    payload: hex('90808000 b05a009d012a4001f000'),
    expected: { frameStart: true, keyframe: true, width: 320, height: 240 },
  },
  { name: 'VP8 key frame continuation (real)', codec: 'vp8', payload: hex('80808000 7c209115'), expected: { frameStart: false, keyframe: false } },
  { name: 'VP8 interframe start (real)', codec: 'vp8', payload: hex('90808001 f113000210'), expected: { frameStart: true, keyframe: false } },
  {
    name: 'VP8 second partition start is not a frame start (invented: S = 1, PID = 1)',
    codec: 'vp8',
    payload: hex('11 b05a009d012a4001f000'),
    expected: { frameStart: false, keyframe: false },
  },
  {
    name: 'VP8 temporal layer from TID (invented)',
    codec: 'vp8',
    payload: hex('90 20 40 f11300'),
    expected: { frameStart: true, keyframe: false, temporalLayer: 1 },
  },
  {
    name: 'VP9 key frame start carries 352x288 from the uncompressed header (real)',
    codec: 'vp9',
    payload: hex('08 824983420015f011f60838241c18'),
    expected: { frameStart: true, keyframe: true, width: 352, height: 288 },
  },
  {
    name: 'VP9 inter frame with P = 0 is not a keyframe: the header decides (real, FFmpeg never sets P)',
    codec: 'vp9',
    payload: hex('0c 860040929c205000000760'),
    expected: { frameStart: true, keyframe: false },
  },
  { name: 'VP9 middle packet (real)', codec: 'vp9', payload: hex('00 af931eb4ed43'), expected: { frameStart: false, keyframe: false } },
  {
    name: 'VP9 SVC key picture: SS reports the largest of 3 layers (invented descriptor, real key frame header)',
    codec: 'vp9',
    payload: hex('aa 9234 00 09 58 0140 00b4 0280 0168 0500 02d0 02 04 01 38 02 01 824983420015f011f608'),
    expected: { frameStart: true, keyframe: true, width: 1280, height: 720, spatialLayer: 0, temporalLayer: 0 },
  },
  {
    name: 'VP9 spatial layer 1 start is not a frame start (invented)',
    codec: 'vp9',
    payload: hex('a8 05 03 09 86004092f0412500'),
    expected: { frameStart: false, keyframe: false, spatialLayer: 1, temporalLayer: 0 },
  },
  {
    name: 'VP9 falls back to P = 0 when the header is unreadable (invented)',
    codec: 'vp9',
    payload: hex('08 ff'),
    expected: { frameStart: true, keyframe: true },
  },
  {
    name: 'H.264 STAP-A with SPS and PPS carries 322x242 but starts no picture (real)',
    codec: 'h264',
    payload: hex('18 001a 6742c00dd90150878888c044000003000400000300f03c50a920 0005 68cb83cb20'),
    expected: { frameStart: false, keyframe: false, width: 322, height: 242 },
  },
  { name: 'H.264 FU-A start of an IDR (real)', codec: 'h264', payload: hex('7c85 88840bf2628000'), expected: { frameStart: true, keyframe: true } },
  { name: 'H.264 FU-A continuation (real)', codec: 'h264', payload: hex('7c05 063b2149d79f'), expected: { frameStart: false, keyframe: false } },
  { name: 'H.264 single-NAL P slice (real)', codec: 'h264', payload: hex('419a3817e48532c2'), expected: { frameStart: true, keyframe: false } },
  {
    name: 'H.264 IDR inside a STAP-A is a keyframe (invented: SPS, PPS and a small IDR slice)',
    codec: 'h264',
    payload: hex('78 001a 6742c00dd90150878888c044000003000400000300f03c50a920 0005 68cb83cb20 0004 65888400'),
    expected: { frameStart: true, keyframe: true, width: 322, height: 242 },
  },
  {
    name: 'H.264 second slice of a picture is not a frame start (invented: first_mb_in_slice = 1)',
    codec: 'h264',
    payload: hex('4140 9a38'),
    expected: { frameStart: false, keyframe: false },
  },
  { name: 'H.264 FU-B is reported, not parsed (invented)', codec: 'h264', payload: hex('7d85 0000 88'), expected: { frameStart: false, keyframe: false } },
  {
    name: 'H.265 AP with parameter sets (real head)',
    codec: 'h265',
    payload: hex('6001 0018 40010c01ffff01600000030090000003000003003c959809'),
    expected: { frameStart: false, keyframe: false, temporalLayer: 0 },
  },
  { name: 'H.265 FU start of IDR_N_LP (real)', codec: 'h265', payload: hex('6201 94 af084828'), expected: { frameStart: true, keyframe: true, temporalLayer: 0 } },
  { name: 'H.265 FU end (real)', codec: 'h265', payload: hex('6201 54 cb0692dd'), expected: { frameStart: false, keyframe: false, temporalLayer: 0 } },
  { name: 'H.265 single TRAIL_R slice (real)', codec: 'h265', payload: hex('0201 d02149e1'), expected: { frameStart: true, keyframe: false, temporalLayer: 0 } },
  {
    name: 'AV1 key frame start: sequence header (320x180) + key frame OBU, N = 1',
    codec: 'av1',
    payload: hex('28 0c 08000000043cfeccdaf90040 301400a27010b45df1'),
    expected: { frameStart: true, keyframe: true, width: 320, height: 180 },
  },
  {
    name: 'AV1 inter frame OBU (frame_type INTER)',
    codec: 'av1',
    payload: hex('10 30 29027020000011a2f0'),
    expected: { frameStart: true, keyframe: false },
  },
  { name: 'AV1 continuation fragment (invented)', codec: 'av1', payload: hex('d0 b45df1'), expected: { frameStart: false, keyframe: false } },
  {
    name: 'AV1 N = 1 with only a sequence header falls back to N (invented split)',
    codec: 'av1',
    payload: hex('18 08000000043cfeccdaf90040'),
    expected: { frameStart: true, keyframe: true, width: 320, height: 180 },
  },
  {
    name: 'AV1 spatial layer 1 frame OBU is not a frame start (invented extension header)',
    codec: 'av1',
    payload: hex('10 34 08 29027020'),
    expected: { frameStart: false, keyframe: false, spatialLayer: 1, temporalLayer: 0 },
  },
];

describe('probeVideoPacket', () => {
  test.each(cases)('$name', ({ codec, payload, expected }) => {
    expect(probeVideoPacket(codec, payload)).toEqual(expected);
  });

  const malformed: { name: string; codec: VideoCodec; payload: Uint8Array }[] = [
    { name: 'VP8 empty payload', codec: 'vp8', payload: hex('') },
    { name: 'VP8 descriptor only', codec: 'vp8', payload: hex('90808000') },
    { name: 'VP9 descriptor only', codec: 'vp9', payload: hex('0c') },
    { name: 'H.264 STAP-A size past the end', codec: 'h264', payload: hex('18 0005 6742') },
    { name: 'H.264 STAP-A with a truncated SPS', codec: 'h264', payload: hex('18 0004 6742c00d') },
    { name: 'H.265 one byte', codec: 'h265', payload: hex('02') },
    { name: 'AV1 element past the end', codec: 'av1', payload: hex('00 05 3014') },
    { name: 'AV1 OBU with the forbidden bit', codec: 'av1', payload: hex('10 b0 00') },
  ];
  test.each(malformed)('returns null for $name (invented)', ({ codec, payload }) => {
    expect(probeVideoPacket(codec, payload)).toBeNull();
  });
});
