/**
 * Wires the page's audio: the Web Audio graph (made at the first play, inside the user's gesture), split per
 * participant while the mosaic plays with one voice per channel, direct otherwise; volume and mute on the
 * master gain once the graph exists (the element then stays at full volume), on the element before.
 */
import { useEffect, useState } from 'react';
import type { TileMap } from '../api/types';
import { setTestHooks } from '../shared/test-hooks';
import { graphFor, type AudioGraph } from './audio-graph';
import { voiceGains, type VoiceSettings } from './mix';

export type AudioMixInput = {
  /** The mosaic's tile map while stage mode plays it; null for the composed ladder. */
  tileMap: TileMap | null;
  voices: Readonly<Record<string, VoiceSettings>>;
  volume: number;
  muted: boolean;
};

export const useAudioMix = (video: HTMLVideoElement | null, input: AudioMixInput): AudioGraph | null => {
  const [graph, setGraph] = useState<AudioGraph | null>(null);

  useEffect(() => {
    if (video === null) {
      return undefined;
    }
    const onPlay = () => {
      const made = graphFor(video);
      if (made !== null) {
        void made.resume();
        setGraph(made);
      }
    };
    if (!video.paused) {
      onPlay();
    }
    video.addEventListener('play', onPlay);
    return () => video.removeEventListener('play', onPlay);
  }, [video]);

  const { tileMap, voices, volume, muted } = input;
  useEffect(() => {
    if (graph === null) {
      return;
    }
    graph.configure(tileMap);
    setTestHooks({
      audioGraph: {
        context: graph.context,
        output: graph.output,
        routing: graph.routing,
        voices: Object.fromEntries([...graph.voices].map(([id, voice]) => [id, voice.analyser])),
      },
    });
  }, [graph, tileMap]);

  useEffect(() => {
    graph?.setVoiceGains(voiceGains(voices));
  }, [graph, voices, tileMap]);

  useEffect(() => {
    if (video === null) {
      return;
    }
    if (graph === null) {
      video.volume = volume;
      video.muted = muted;
    } else {
      video.volume = 1;
      video.muted = false;
      graph.setMasterVolume(volume, muted);
    }
  }, [graph, video, volume, muted]);

  return graph;
};
