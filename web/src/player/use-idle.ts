/** True after a few seconds without pointer or keyboard activity over `box` while `active` (controls fade). */
import { useEffect, useState, type RefObject } from 'react';

const IDLE_AFTER_MS = 2500;

export const useIdle = (box: RefObject<HTMLElement | null>, active: boolean): boolean => {
  const [idle, setIdle] = useState(false);
  useEffect(() => {
    const element = box.current;
    if (!active || element === null) {
      setIdle(false);
      return undefined;
    }
    let timer = window.setTimeout(() => setIdle(true), IDLE_AFTER_MS);
    const wake = () => {
      setIdle(false);
      window.clearTimeout(timer);
      timer = window.setTimeout(() => setIdle(true), IDLE_AFTER_MS);
    };
    const events = ['pointermove', 'pointerdown', 'keydown', 'focusin'] as const;
    for (const name of events) {
      element.addEventListener(name, wake);
    }
    return () => {
      window.clearTimeout(timer);
      for (const name of events) {
        element.removeEventListener(name, wake);
      }
    };
  }, [box, active]);
  return idle;
};
