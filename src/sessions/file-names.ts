/**
 * What Janus's recording file names say (shared/docs/mjr-format.md §7): which plugin, room, user, stream kind
 * and m-line index. Names are parsed anchored from the right, since room and user ids may contain '-'.
 * The header, not the name, is the truth for kind and codec; names only group files.
 */

export type RecordingName = {
  plugin: 'videoroom' | 'recordplay' | 'echotest' | 'videocall' | 'sip' | 'nosip' | 'audiobridge' | 'unknown';
  room: string | null;
  /** The participant: VideoRoom/AudioBridge user, Record&Play recording id, EchoTest/NoSIP session, VideoCall user, SIP user + leg side. */
  user: string | null;
  /** Wall clock µs from the name (recorder creation); null when the name has none. */
  nameTimeUs: number | null;
  kind: 'audio' | 'video' | 'data' | null;
  mindex: number | null;
  /** For SIP/NoSIP: which leg. */
  leg: 'peer' | 'own' | null;
  /** The name without kind/index suffix: files sharing it belong together. */
  base: string;
};

const PATTERNS: Array<{ plugin: RecordingName['plugin']; pattern: RegExp }> = [
  { plugin: 'videoroom', pattern: /^videoroom-(?<room>.+)-user-(?<user>.+)-(?<time>\d{13,})-(?<kind>audio|video|data)(?:-(?<mindex>\d+))?$/ },
  { plugin: 'audiobridge', pattern: /^audiobridge-(?<room>.+)-user-(?<user>.+)-(?<time>\d{13,})-(?<kind>audio)$/ },
  { plugin: 'recordplay', pattern: /^rec-(?<user>.+)-(?<kind>audio|video|data)$/ },
  { plugin: 'echotest', pattern: /^echotest-(?<user>.+)-(?<time>\d{13,})-(?<kind>audio|video|data)$/ },
  { plugin: 'videocall', pattern: /^videocall-(?<user>.+)-(?<time>\d{13,})-(?<kind>audio|video|data)$/ },
  { plugin: 'sip', pattern: /^sip-(?<user>.+)-(?<time>\d{13,})-(?<leg>peer|own)-(?<kind>audio|video)$/ },
  { plugin: 'nosip', pattern: /^nosip-(?<user>.+)-(?<time>\d{13,})-(?<leg>peer|own)-(?<kind>audio|video)$/ },
];

/** A custom base name: `<base>-audio-0`, `<base>-video`, `<base>-peer-audio`, `<base>-user-video`. */
const CUSTOM = /^(?<base>.+?)-(?:(?<leg>peer|user)-)?(?<kind>audio|video|data)(?:-(?<mindex>\d+))?$/;

export const parseRecordingName = (fileName: string): RecordingName => {
  const stem = fileName.replace(/\.mjr$/i, '');
  for (const { plugin, pattern } of PATTERNS) {
    const groups = pattern.exec(stem)?.groups;
    if (groups !== undefined) {
      const kind = groups['kind'] as RecordingName['kind'];
      const time = groups['time'];
      const leg = groups['leg'] === undefined ? null : (groups['leg'] as 'peer' | 'own');
      const user = groups['user'] ?? null;
      return {
        plugin,
        room: groups['room'] ?? null,
        user: leg === null || user === null ? user : `${user}-${leg}`,
        nameTimeUs: time === undefined ? null : Number(time.length > 16 ? time.slice(0, 16) : time),
        kind,
        mindex: groups['mindex'] === undefined ? null : Number(groups['mindex']),
        leg,
        base: stem.slice(0, stem.length - (groups['kind']!.length + (groups['mindex'] === undefined ? 0 : groups['mindex'].length + 1))).replace(/-$/, ''),
      };
    }
  }
  const custom = CUSTOM.exec(stem)?.groups;
  if (custom !== undefined) {
    const leg = custom['leg'] === undefined ? null : custom['leg'] === 'peer' ? 'peer' : 'own';
    return {
      plugin: 'unknown',
      room: null,
      user: leg === null ? null : leg,
      nameTimeUs: null,
      kind: custom['kind'] as RecordingName['kind'],
      mindex: custom['mindex'] === undefined ? null : Number(custom['mindex']),
      leg,
      base: custom['base']!,
    };
  }
  return { plugin: 'unknown', room: null, user: null, nameTimeUs: null, kind: null, mindex: null, leg: null, base: stem };
};

/** Record&Play's `<id>.nfo` (INI, CRLF): `[id]`, `name = …`, `date = …`, `audio = file.mjr`, `video = …`, `data = …`. */
export type NfoInfo = { id: string; name: string | null; date: string | null; files: { audio?: string; video?: string; data?: string } };

export const parseNfo = (text: string): NfoInfo | null => {
  let id: string | null = null;
  const values: Record<string, string> = {};
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith(';') || line.startsWith('#')) {
      continue;
    }
    const section = /^\[(.+)\]$/.exec(line);
    if (section !== null) {
      id ??= section[1]!;
      continue;
    }
    const pair = /^([^=]+?)\s*=\s*(.*)$/.exec(line);
    if (pair !== null) {
      values[pair[1]!.toLowerCase()] = pair[2]!;
    }
  }
  if (id === null) {
    return null;
  }
  const files: NfoInfo['files'] = {};
  for (const kind of ['audio', 'video', 'data'] as const) {
    if (values[kind] !== undefined) {
      files[kind] = values[kind];
    }
  }
  return { id, name: values['name'] ?? null, date: values['date'] ?? null, files };
};
