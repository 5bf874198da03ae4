/**
 * Validators for conditional requests (RFC 9110 §8.8): HTTP-dates and entity tags. Pure: no fs, no clock.
 *
 * - HTTP-date (§5.6.7): we generate IMF-fixdate only; recipients MUST accept all three formats
 *   (IMF-fixdate, obsolete RFC 850, asctime), so `parseHttpDate` does.
 * - Entity tags (§8.8.3): `formatStrongEtag` builds ours from the file's identity; `parseEtagList` reads the
 *   `#entity-tag` lists of If-Match / If-None-Match. etagc allows `,` inside the quotes, so a list cannot be
 *   split on commas.
 */

const DAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

const pad2 = (value: number): string => (value < 10 ? `0${value}` : `${value}`);

/** IMF-fixdate, e.g. `Sun, 06 Nov 1994 08:49:37 GMT` (RFC 9110 §5.6.7). Sub-second parts are dropped. */
export const formatHttpDate = (timeSec: number): string => {
  const date = new Date(Math.floor(timeSec) * 1000);
  return (
    `${DAY_NAMES[date.getUTCDay()]!}, ${pad2(date.getUTCDate())} ${MONTH_NAMES[date.getUTCMonth()]!} ` +
    `${date.getUTCFullYear()} ${pad2(date.getUTCHours())}:${pad2(date.getUTCMinutes())}:${pad2(date.getUTCSeconds())} GMT`
  );
};

const IMF_FIXDATE = /^(Sun|Mon|Tue|Wed|Thu|Fri|Sat), (\d{2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
const RFC850_DATE = /^(Sunday|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday), (\d{2})-(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)-(\d{2}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
const ASCTIME_DATE = /^(Sun|Mon|Tue|Wed|Thu|Fri|Sat) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) ([ \d]\d) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/;

type DateParts = { year: number; monthIndex: number; day: number; hour: number; minute: number; second: number };

const toUnixSec = (parts: DateParts): number | null => {
  const { year, monthIndex, day, hour, minute, second } = parts;
  // §5.6.7 allows second 60 (a leap second); it reads as the first second of the next minute.
  if (day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return null;
  }
  const dayMs = Date.UTC(year, monthIndex, day);
  // Reject 31 Feb and the like instead of letting Date roll them over.
  if (new Date(dayMs).getUTCDate() !== day) {
    return null;
  }
  return dayMs / 1000 + hour * 3600 + minute * 60 + second;
};

/**
 * The three HTTP-date formats (RFC 9110 §5.6.7) → Unix seconds, or null when the value is not a valid
 * HTTP-date (callers must then ignore the field, e.g. §13.1.3 for If-Modified-Since). Case-sensitive, as the
 * grammar is. A two-digit RFC 850 year that would be more than 50 years ahead of `nowSec` is read as the
 * most recent past year with those digits (§5.6.7).
 */
export const parseHttpDate = (value: string, nowSec: number): number | null => {
  const month = (name: string): number => MONTH_NAMES.indexOf(name as (typeof MONTH_NAMES)[number]);
  let match = IMF_FIXDATE.exec(value);
  if (match !== null) {
    return toUnixSec({ year: Number(match[4]), monthIndex: month(match[3]!), day: Number(match[2]), hour: Number(match[5]), minute: Number(match[6]), second: Number(match[7]) });
  }
  match = RFC850_DATE.exec(value);
  if (match !== null) {
    const nowYear = new Date(nowSec * 1000).getUTCFullYear();
    const twoDigits = Number(match[4]);
    let year = Math.floor(nowYear / 100) * 100 + twoDigits;
    if (year > nowYear + 50) {
      year -= 100;
    }
    return toUnixSec({ year, monthIndex: month(match[3]!), day: Number(match[2]), hour: Number(match[5]), minute: Number(match[6]), second: Number(match[7]) });
  }
  match = ASCTIME_DATE.exec(value);
  if (match !== null) {
    return toUnixSec({ year: Number(match[7]), monthIndex: month(match[2]!), day: Number(match[3]!.trim()), hour: Number(match[4]), minute: Number(match[5]), second: Number(match[6]) });
  }
  return null;
};

/** The identity of a stored file, as fstat reports it. */
export type FileIdentity = { sizeBytes: number; mtimeMs: number; inode: number };

/**
 * A strong ETag (§8.8.3) in nginx's spirit (`"<hex mtime>-<hex size>"`), plus the inode: files are
 * published by rename, so a new version always has a new inode, even when size and mtime happen to match.
 * Milliseconds rather than nginx's seconds, so two versions written within one second still differ.
 * (The inode makes the tag specific to one file system; fine for a single-node origin.)
 */
export const formatStrongEtag = (identity: FileIdentity): string =>
  `"${Math.floor(identity.mtimeMs).toString(16)}-${identity.sizeBytes.toString(16)}-${identity.inode.toString(16)}"`;

export type EntityTag = { weak: boolean; opaque: string };
export type EtagList = { kind: 'any' } | { kind: 'tags'; tags: EntityTag[] };

const isEtagChar = (code: number): boolean => code === 0x21 || (code >= 0x23 && code <= 0x7e) || code >= 0x80;

/**
 * `If-Match` / `If-None-Match` field value → `*` or a list of entity tags (§13.1.1, §13.1.2). Empty list
 * elements and OWS are skipped (§5.6.1). A malformed value yields the tags read before the error: they can
 * only make a match less likely, which is the safe direction for both fields.
 */
export const parseEtagList = (value: string): EtagList => {
  if (value.trim() === '*') {
    return { kind: 'any' };
  }
  const tags: EntityTag[] = [];
  let index = 0;
  while (index < value.length) {
    const char = value[index];
    if (char === ' ' || char === '\t' || char === ',') {
      index += 1;
      continue;
    }
    let weak = false;
    if (value.startsWith('W/', index)) {
      weak = true;
      index += 2;
    }
    if (value[index] !== '"') {
      break;
    }
    const close = value.indexOf('"', index + 1);
    if (close < 0) {
      break;
    }
    const opaque = value.slice(index + 1, close);
    let valid = true;
    for (let i = 0; i < opaque.length; i += 1) {
      if (!isEtagChar(opaque.charCodeAt(i))) {
        valid = false;
        break;
      }
    }
    if (!valid) {
      break;
    }
    tags.push({ weak, opaque });
    index = close + 1;
  }
  return { kind: 'tags', tags };
};

/** A single entity-tag (as If-Range carries), or null when the value is not one. */
export const parseEntityTag = (value: string): EntityTag | null => {
  const list = parseEtagList(value);
  if (list.kind !== 'tags' || list.tags.length !== 1) {
    return null;
  }
  const tag = list.tags[0]!;
  return `${tag.weak ? 'W/' : ''}"${tag.opaque}"` === value.trim() ? tag : null;
};

/** §8.8.3.2: strong comparison: both strong and identical opaque tags. */
export const strongEtagMatch = (a: EntityTag, b: EntityTag): boolean => !a.weak && !b.weak && a.opaque === b.opaque;

/** §8.8.3.2: weak comparison: identical opaque tags, either or both may be weak. */
export const weakEtagMatch = (a: EntityTag, b: EntityTag): boolean => a.opaque === b.opaque;
