/**
 * Chat captions: every caption file fetched and parsed, its cues put on the session timeline and added to the
 * <video> as a TextTrack per participant (kind "captions", mode "hidden": the page draws them itself, over the
 * stage canvas as over the video). Returns all cues, for the overlay and the timeline's chat lane.
 */
import { useEffect, useState } from 'react';
import { fetchMediaText } from '../api/client';
import { parseCaptionVtt, type CaptionCue } from './captions';

export type CaptionSource = { participantId: string; url: string; label: string };

export const useCaptions = (video: HTMLVideoElement | null, sources: readonly CaptionSource[], sessionStartMs: number): CaptionCue[] => {
  const [cues, setCues] = useState<CaptionCue[]>([]);
  // The signed URLs change on every refetch; the files do not.
  const key = sources.map((source) => source.participantId).join(',');

  useEffect(() => {
    if (video === null || sources.length === 0) {
      setCues([]);
      return undefined;
    }
    const abort = new AbortController();
    void Promise.all(
      sources.map(async (source) => {
        const text = await fetchMediaText(source.url, abort.signal).catch(() => null);
        return text === null ? [] : parseCaptionVtt(text, source.participantId, sessionStartMs);
      }),
    ).then((perSource) => {
      if (abort.signal.aborted) {
        return;
      }
      perSource.forEach((sourceCues, index) => addTextTrack(video, sources[index]!, sourceCues));
      setCues(perSource.flat().sort((a, b) => a.startSec - b.startSec));
    });
    return () => abort.abort();
  }, [video, key, sessionStartMs]);

  return cues;
};

const tracksAdded = new WeakMap<HTMLVideoElement, Set<string>>();

/** TextTracks cannot be removed from an element: add each participant's once. */
const addTextTrack = (video: HTMLVideoElement, source: CaptionSource, cues: readonly CaptionCue[]): void => {
  const added = tracksAdded.get(video) ?? new Set<string>();
  tracksAdded.set(video, added);
  if (added.has(source.participantId) || typeof VTTCue === 'undefined') {
    return;
  }
  added.add(source.participantId);
  const track = video.addTextTrack('captions', `Chat: ${source.label}`, '');
  track.mode = 'hidden';
  for (const cue of cues) {
    track.addCue(new VTTCue(cue.startSec, cue.endSec, `${source.label}: ${cue.text}`));
  }
};

/** The cues showing at `timeSec`. Pure. */
export const activeCaptions = (cues: readonly CaptionCue[], timeSec: number): CaptionCue[] =>
  cues.filter((cue) => cue.startSec <= timeSec && timeSec < cue.endSec);
