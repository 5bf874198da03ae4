/**
 * The library's list: fetched for the current filters (debounced while typing), refetched when the server says
 * a session changed, with job progress applied live from the events in between.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, type ApiClient } from '../api/client';
import type { ChangeEvent, SessionList, SessionQuery } from '../api/types';
import { useChangeEvents } from '../api/use-events';

export type SessionsLoad = { status: 'loading' } | { status: 'error'; error: ApiError } | { status: 'ready'; list: SessionList };

const TYPING_DEBOUNCE_MS = 250;
const PAGE_SIZE = 50;
/** The API answers at most 500 sessions a request. */
const MAX_PAGES = 10;

/** A job event applied to the list (progress bars move without a refetch). Pure. */
export const applyJobEvent = (list: SessionList, event: ChangeEvent): SessionList => {
  if (event.type !== 'job') {
    return list;
  }
  return {
    ...list,
    items: list.items.map((item) =>
      item.id === event.sessionId ? { ...item, state: event.job.state === 'running' ? 'processing' : item.state, job: { id: event.job.id, kind: event.job.kind, state: event.job.state, progress: event.job.progress } } : item,
    ),
  };
};

export const useSessions = (client: ApiClient, query: SessionQuery) => {
  const [load, setLoad] = useState<SessionsLoad>({ status: 'loading' });
  const [reloads, setReloads] = useState(0);
  const [pages, setPages] = useState(1);
  const key = JSON.stringify(query);
  // New filters start from the first page again.
  useEffect(() => setPages(1), [key]);
  const first = useRef(true);

  useEffect(() => {
    const abort = new AbortController();
    const delayMs = first.current ? 0 : TYPING_DEBOUNCE_MS;
    first.current = false;
    const timer = window.setTimeout(() => {
      client
        .listSessions({ ...(JSON.parse(key) as SessionQuery), limit: PAGE_SIZE * pages }, abort.signal)
        .then((list) => setLoad({ status: 'ready', list }))
        .catch((error: unknown) => {
          if (!abort.signal.aborted) {
            setLoad({ status: 'error', error: error instanceof ApiError ? error : new ApiError('NETWORK', String(error), 0) });
          }
        });
    }, delayMs);
    return () => {
      window.clearTimeout(timer);
      abort.abort();
    };
  }, [client, key, reloads, pages]);

  const reload = useCallback(() => setReloads((count) => count + 1), []);

  useChangeEvents(client.eventsUrl(), (event) => {
    setLoad((previous) => (previous.status === 'ready' ? { status: 'ready', list: applyJobEvent(previous.list, event) } : previous));
    if (event.type === 'session' || (event.type === 'job' && event.job.state !== 'running')) {
      reload();
    }
  });

  const canShowMore = load.status === 'ready' && load.list.items.length < load.list.total && pages < MAX_PAGES;
  const showMore = useCallback(() => setPages((count) => Math.min(MAX_PAGES, count + 1)), []);

  return { load, reload, setLoad, canShowMore, showMore };
};
