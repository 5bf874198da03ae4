import { useLayoutEffect, useRef, type RefObject } from 'react';

/** A ref that always holds the latest value: callbacks registered once (listeners, loops) read it. */
export const useLatest = <T>(value: T): RefObject<T> => {
  const ref = useRef(value);
  useLayoutEffect(() => {
    ref.current = value;
  });
  return ref;
};
