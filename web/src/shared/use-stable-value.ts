import { useRef } from 'react';

/**
 * The same object as long as its JSON is the same: a refetched session (fresh media signatures) must not look
 * like a new tile map or participant list to effects that rebuild things.
 */
export const useStableValue = <T>(value: T): T => {
  const previous = useRef<{ json: string; value: T } | null>(null);
  const json = JSON.stringify(value);
  if (previous.current === null || previous.current.json !== json) {
    previous.current = { json, value };
  }
  return previous.current.value;
};
