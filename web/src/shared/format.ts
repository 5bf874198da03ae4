/** Display formats for times, durations and sizes. Pure. */

const pad2 = (value: number): string => String(value).padStart(2, '0');

/** 75.4 → "1:15", 3675 → "1:01:15". Negative and non-finite values show as 0:00. */
export const formatClockSec = (timeSec: number): string => {
  const total = Number.isFinite(timeSec) && timeSec > 0 ? Math.floor(timeSec) : 0;
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  return hours > 0 ? `${hours}:${pad2(minutes)}:${pad2(seconds)}` : `${minutes}:${pad2(seconds)}`;
};

/** 21969 → "22 s", 125000 → "2 min 5 s", 3_900_000 → "1 h 5 min". */
export const formatDurationMs = (durationMs: number): string => {
  const totalSec = Math.round(Math.max(0, durationMs) / 1000);
  if (totalSec < 60) {
    return `${totalSec} s`;
  }
  const hours = Math.floor(totalSec / 3600);
  const minutes = Math.floor((totalSec % 3600) / 60);
  if (hours > 0) {
    return minutes > 0 ? `${hours} h ${minutes} min` : `${hours} h`;
  }
  const seconds = totalSec % 60;
  return seconds > 0 ? `${minutes} min ${seconds} s` : `${minutes} min`;
};

/** Wall-clock time of day, with seconds (the user's locale and zone). */
export const formatWallClock = (date: Date, locale?: string): string =>
  date.toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit', second: '2-digit' });

export const formatDateTime = (iso: string, locale?: string): string =>
  new Date(iso).toLocaleString(locale, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });

export const formatBytes = (bytes: number): string => {
  const units = ['B', 'KB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value < 10 && unit > 0 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
};

/** A participant's name for the UI: the display name, else "Participant <id>". */
export const participantLabel = (participant: { id: string; displayName: string | null }): string =>
  participant.displayName !== null && participant.displayName.trim() !== '' ? participant.displayName : `Participant ${participant.id}`;
