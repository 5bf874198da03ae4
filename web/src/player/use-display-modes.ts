/**
 * Fullscreen (the player box, so controls and stage come along) and picture-in-picture. In stage mode the
 * stage canvas is what the user sees, so PiP shows the canvas (captureStream into a second, muted <video>);
 * in composed mode the video itself goes to PiP.
 */
import { useCallback, useEffect, useRef, useState, type RefObject } from 'react';

export const useFullscreen = (box: RefObject<HTMLElement | null>) => {
  const [fullscreen, setFullscreen] = useState(false);
  useEffect(() => {
    const update = () => setFullscreen(document.fullscreenElement !== null && document.fullscreenElement === box.current);
    document.addEventListener('fullscreenchange', update);
    return () => document.removeEventListener('fullscreenchange', update);
  }, [box]);
  const toggle = useCallback(() => {
    if (document.fullscreenElement !== null) {
      void document.exitFullscreen().catch(() => undefined);
    } else {
      void box.current?.requestFullscreen().catch(() => undefined);
    }
  }, [box]);
  return { fullscreen, toggle };
};

export const usePictureInPicture = (video: HTMLVideoElement | null, stageCanvas: HTMLCanvasElement | null) => {
  const [active, setActive] = useState(false);
  const mirror = useRef<HTMLVideoElement | null>(null);

  useEffect(() => {
    const update = () => setActive(document.pictureInPictureElement !== null);
    const targets = [video, mirror.current].filter((target): target is HTMLVideoElement => target !== null);
    for (const target of targets) {
      target.addEventListener('enterpictureinpicture', update);
      target.addEventListener('leavepictureinpicture', update);
    }
    return () => {
      for (const target of targets) {
        target.removeEventListener('enterpictureinpicture', update);
        target.removeEventListener('leavepictureinpicture', update);
      }
    };
  }, [video, active]);

  const toggle = useCallback(async () => {
    if (document.pictureInPictureElement !== null) {
      await document.exitPictureInPicture().catch(() => undefined);
      return;
    }
    if (video === null || !document.pictureInPictureEnabled) {
      return;
    }
    if (stageCanvas === null || typeof stageCanvas.captureStream !== 'function') {
      await video.requestPictureInPicture().catch(() => undefined);
      return;
    }
    const target = mirror.current ?? document.createElement('video');
    mirror.current = target;
    target.muted = true;
    target.playsInline = true;
    target.srcObject = stageCanvas.captureStream(30);
    target.addEventListener('leavepictureinpicture', () => setActive(false), { once: true });
    await target.play().catch(() => undefined);
    if (target.readyState < HTMLMediaElement.HAVE_METADATA) {
      await new Promise((resolve) => target.addEventListener('loadedmetadata', resolve, { once: true }));
    }
    await target
      .requestPictureInPicture()
      .then(() => setActive(true))
      .catch(() => undefined);
  }, [video, stageCanvas]);

  return { active, toggle };
};
