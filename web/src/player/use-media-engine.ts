/**
 * The replay page's engine: one per <video>. Loads the current source (composed ladder or mosaic) and keeps
 * playing across a source switch; a refreshed signature for the same source does not reload anything (every
 * request is rewritten with the newest signature instead). Expired links refetch the session and resume.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { useLatest } from '../shared/use-latest';
import { MediaEngine, type EngineError, type QualityLevel } from './media-engine';
import { parseSignedMediaUrl, withFreshSignature } from './signed-media';

/** Any current signed URL of the session, and when its signature expires. */
export type MediaSignature = { sampleUrl: string; expiresAtMs: number };

export type EngineInput = {
  src: string | null;
  startSec: number;
  signature: MediaSignature | null;
  /** Refetches the session; resolves with its new signature. */
  refreshSignature: () => Promise<MediaSignature | null>;
};

/** Refetch the session this long before its signatures expire. */
const REFRESH_AHEAD_MS = 30_000;

const sourceKey = (url: string | null): string | null => {
  if (url === null) {
    return null;
  }
  const signed = parseSignedMediaUrl(url);
  return signed === null ? url : `${signed.prefix}${signed.rest}`;
};

export const useMediaEngine = (video: HTMLVideoElement | null, input: EngineInput) => {
  const [engine, setEngine] = useState<MediaEngine | null>(null);
  const [levels, setLevels] = useState<QualityLevel[]>([]);
  const [currentLevel, setCurrentLevel] = useState(-1);
  const [autoLevel, setAutoLevel] = useState(true);
  const [error, setError] = useState<EngineError | null>(null);
  const inputRef = useLatest(input);
  const engineRef = useRef<MediaEngine | null>(null);
  // The freshest signature seen, from the props or straight from a refetch (before React re-renders).
  const freshest = useRef<MediaSignature | null>(null);
  const latestSignature = useCallback((): MediaSignature | null => {
    const fromProps = inputRef.current.signature;
    if (fromProps !== null && (freshest.current === null || fromProps.expiresAtMs > freshest.current.expiresAtMs)) {
      freshest.current = fromProps;
    }
    return freshest.current;
  }, [inputRef]);
  const refresh = useCallback(async (): Promise<void> => {
    const fresh = await inputRef.current.refreshSignature();
    if (fresh !== null && (freshest.current === null || fresh.expiresAtMs > freshest.current.expiresAtMs)) {
      freshest.current = fresh;
    }
  }, [inputRef]);

  const rewriteUrl = useCallback(
    async (url: string): Promise<string> => {
      const signature = latestSignature();
      if (signature !== null && signature.expiresAtMs - Date.now() < REFRESH_AHEAD_MS) {
        await refresh();
      }
      const fresh = latestSignature();
      return fresh === null ? url : withFreshSignature(url, fresh.sampleUrl);
    },
    [latestSignature, refresh],
  );

  useEffect(() => {
    if (video === null) {
      return undefined;
    }
    let cancelled = false;
    const created = MediaEngine.create(video, {
      rewriteUrl,
      onLevels: setLevels,
      onLevelSwitched: setCurrentLevel,
      onError: (engineError) => {
        if (engineError.kind === 'expired') {
          void refresh().then(() => {
            const src = inputRef.current.src;
            if (src !== null) {
              engineRef.current?.retry(src);
            }
          });
          return;
        }
        setError(engineError);
      },
    });
    created
      .then((made) => {
        if (cancelled) {
          made.destroy();
          return;
        }
        engineRef.current = made;
        setEngine(made);
      })
      .catch((failure: unknown) => setError({ kind: 'media', fatal: true, message: failure instanceof Error ? failure.message : String(failure) }));
    return () => {
      cancelled = true;
      void created.then((made) => made.destroy()).catch(() => undefined);
      engineRef.current = null;
      setEngine(null);
    };
  }, [video, rewriteUrl, refresh, inputRef]);

  const key = sourceKey(input.src);
  useEffect(() => {
    const src = inputRef.current.src;
    if (engine === null || src === null || video === null) {
      return;
    }
    const first = engine.loads === 0;
    const wasPlaying = !first && !video.paused;
    setError(null);
    setLevels([]);
    setCurrentLevel(-1);
    setAutoLevel(true);
    engine.load(src, first ? inputRef.current.startSec : video.currentTime);
    if (wasPlaying) {
      video.addEventListener('canplay', () => void video.play().catch(() => undefined), { once: true });
    }
  }, [engine, key, video, inputRef]);

  const setLevel = useCallback(
    (index: number) => {
      engine?.setLevel(index);
      setAutoLevel(index < 0);
    },
    [engine],
  );

  const retry = useCallback(() => {
    setError(null);
    void refresh().then(() => {
      const src = inputRef.current.src;
      if (src !== null) {
        engineRef.current?.retry(src);
      }
    });
  }, [inputRef, refresh]);

  return { engine, levels, currentLevel, autoLevel, setLevel, error, retry };
};
