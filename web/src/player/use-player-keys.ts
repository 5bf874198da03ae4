/** Applies the keyboard shortcuts (keyboard.ts) on the whole page while the replay is open. */
import { useEffect } from 'react';
import { useLatest } from '../shared/use-latest';
import { actionForKey, isTypingTarget, type KeyAction } from './keyboard';

export const usePlayerKeys = (apply: (action: KeyAction) => void): void => {
  const applyRef = useLatest(apply);
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || isTypingTarget(event.target)) {
        return;
      }
      const target = event.target as HTMLElement | null;
      // Space and Enter on a focused button press the button; arrows on a range input move it.
      const control = target?.closest?.('button, a, [role="menuitemradio"]') ?? null;
      if ((event.key === ' ' || event.key === 'Enter') && control !== null) {
        return;
      }
      if (event.key.startsWith('Arrow') && target instanceof HTMLInputElement && target.type === 'range') {
        return;
      }
      const action = actionForKey(event);
      if (action !== null) {
        event.preventDefault();
        applyRef.current(action);
      }
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [applyRef]);
};
