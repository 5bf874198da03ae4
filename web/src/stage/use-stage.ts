/** Runs a StageRenderer on the page's <video> and canvas while stage mode is on; the canvas follows its CSS size. */
import { useEffect, useRef } from 'react';
import { useLatest } from '../shared/use-latest';
import { setTestHooks } from '../shared/test-hooks';
import { StageRenderer, type StageOptions } from './stage-renderer';

/** Device pixels are capped: past this width the copy costs more than it shows. */
const MAX_CANVAS_WIDTH_PX = 2560;

export const useStage = (video: HTMLVideoElement | null, canvas: HTMLCanvasElement | null, options: StageOptions | null): void => {
  const renderer = useRef<StageRenderer | null>(null);
  const optionsRef = useLatest(options);
  const enabled = options !== null;

  useEffect(() => {
    if (video === null || canvas === null || optionsRef.current === null) {
      return undefined;
    }
    const stage = new StageRenderer(video, canvas);
    renderer.current = stage;
    stage.setOptions(optionsRef.current);
    const observer = new ResizeObserver((entries) => {
      const box = entries[0]?.contentRect;
      if (box === undefined || box.width === 0) {
        return;
      }
      const scale = Math.min(window.devicePixelRatio || 1, MAX_CANVAS_WIDTH_PX / box.width);
      stage.resize(Math.round(box.width * scale), Math.round(box.height * scale));
    });
    observer.observe(canvas);
    stage.start();
    setTestHooks({ stageCanvas: canvas, stage });
    return () => {
      observer.disconnect();
      stage.stop();
      renderer.current = null;
      setTestHooks({ stageCanvas: null, stage: null });
    };
  }, [video, canvas, optionsRef, enabled]);

  useEffect(() => {
    if (options !== null) {
      renderer.current?.setOptions(options);
    }
  }, [options]);
};
