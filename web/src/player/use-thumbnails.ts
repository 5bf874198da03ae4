/** The timeline's preview sprites (media.thumbnails), fetched once per session. */
import { useEffect, useState } from 'react';
import { fetchMediaText } from '../api/client';
import { parseThumbnailVtt, type ThumbnailCue } from './thumbnails';

export const useThumbnails = (url: string | null): ThumbnailCue[] => {
  const [cues, setCues] = useState<ThumbnailCue[]>([]);
  const present = url !== null;
  useEffect(() => {
    if (url === null) {
      setCues([]);
      return undefined;
    }
    const abort = new AbortController();
    fetchMediaText(url, abort.signal)
      .then((text) => setCues(parseThumbnailVtt(text, url, window.location.href)))
      .catch(() => setCues([]));
    return () => abort.abort();
    // Fetched once: a refreshed signature does not change the sprites (sheets are re-signed when shown).
  }, [present]);
  return cues;
};
