/**
 * Live changes from `GET /api/events` (server-sent events). EventSource reconnects by itself; the caller gets
 * each `job` / `session` message and refetches what it shows.
 */
import { useEffect } from 'react';
import { useLatest } from '../shared/use-latest';
import type { ChangeEvent } from './types';

export const useChangeEvents = (url: string | null, onEvent: (event: ChangeEvent) => void): void => {
  const handler = useLatest(onEvent);
  useEffect(() => {
    if (url === null || typeof EventSource === 'undefined') {
      return undefined;
    }
    const source = new EventSource(url);
    const receive = (message: MessageEvent<string>) => {
      try {
        handler.current(JSON.parse(message.data) as ChangeEvent);
      } catch {
        // A malformed message is skipped; the next one carries the current state again.
      }
    };
    source.addEventListener('job', receive);
    source.addEventListener('session', receive);
    return () => source.close();
  }, [url]);
};
