import type { VideoCodec } from './scenario.js';

/**
 * Renders the Janus configuration files for a recording run (pure: text in, text out).
 * Only the HTTP transport on 127.0.0.1 and the VideoRoom plugin are enabled; ICE is held to one
 * address inside the recorder's private network namespace.
 */
export type JanusRoomConfig = { room: number; videoCodec: VideoCodec; recordingsDir: string };

export type JanusConfigInput = {
  configDir: string;
  pluginsDir: string;
  transportsDir: string;
  eventsDir: string;
  loggersDir: string;
  /** Library file names to disable in each folder (everything but videoroom and http). */
  disabled: { plugins: string[]; transports: string[]; events: string[]; loggers: string[] };
  httpPort: number;
  /** The one address (or interface) ICE may use. */
  iceEnforce: string;
  rtpPortRange: { min: number; max: number };
  publisherBitrateBps: number;
  rooms: JanusRoomConfig[];
};

const quote = (value: string): string => JSON.stringify(value);
const list = (names: readonly string[]): string => quote(names.join(','));

export function renderJanusMainConfig(input: JanusConfigInput): string {
  return `general: {
  configs_folder = ${quote(input.configDir)}
  plugins_folder = ${quote(input.pluginsDir)}
  transports_folder = ${quote(input.transportsDir)}
  events_folder = ${quote(input.eventsDir)}
  loggers_folder = ${quote(input.loggersDir)}
  debug_level = 4
  debug_timestamps = true
  debug_colors = false
  server_name = "reprise-fixture-recorder"
  session_timeout = 60
}
certificates: {
}
media: {
  rtp_port_range = "${input.rtpPortRange.min}-${input.rtpPortRange.max}"
}
nat: {
  nice_debug = false
  ice_enforce_list = ${quote(input.iceEnforce)}
  ignore_mdns = true
}
plugins: {
  disable = ${list(input.disabled.plugins)}
}
transports: {
  disable = ${list(input.disabled.transports)}
}
loggers: {
  disable = ${list(input.disabled.loggers)}
}
events: {
  broadcast = false
  disable = ${list(input.disabled.events)}
}
`;
}

export function renderHttpTransportConfig(input: JanusConfigInput): string {
  return `general: {
  json = "indented"
  base_path = "/janus"
  http = true
  port = ${input.httpPort}
  ip = "127.0.0.1"
  https = false
}
admin: {
  admin_http = false
  admin_https = false
}
cors: {
}
`;
}

export function renderVideoRoomConfig(input: JanusConfigInput): string {
  const rooms = input.rooms.map(
    (room) => `room-${room.room}: {
  description = "Reprise fixtures (${room.videoCodec})"
  publishers = 6
  bitrate = ${input.publisherBitrateBps}
  bitrate_cap = true
  fir_freq = 10
  audiocodec = "opus"
  videocodec = ${quote(room.videoCodec)}
  record = true
  rec_dir = ${quote(room.recordingsDir)}
}
`,
  );
  return `general: {
}
${rooms.join('')}`;
}

/** File name → contents, for every file Janus reads from the config folder. */
export const renderJanusConfigFiles = (input: JanusConfigInput): Record<string, string> => ({
  'janus.jcfg': renderJanusMainConfig(input),
  'janus.transport.http.jcfg': renderHttpTransportConfig(input),
  'janus.plugin.videoroom.jcfg': renderVideoRoomConfig(input),
});

/** Library names to disable: every `.so` in a folder except the ones we keep. */
export const selectDisabledLibraries = (fileNames: readonly string[], keep: readonly string[]): string[] =>
  fileNames.filter((name) => name.endsWith('.so') && !keep.includes(name)).sort();
