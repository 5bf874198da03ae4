/**
 * One session for the replay page: fetched, refetched when the server says it changed (SSE), and refetched on
 * demand (fresh media signatures). Job progress comes live from the events between refetches.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, type ApiClient } from '../api/client';
import type { ChangeEvent, JobSummary, SessionDetail } from '../api/types';
import { useChangeEvents } from '../api/use-events';

export type SessionLoad = { status: 'loading' } | { status: 'error'; error: ApiError } | { status: 'ready'; session: SessionDetail };

/** While processing, refetch this often even without events (a proxy may buffer the event stream). */
const PROCESSING_POLL_MS = 10_000;

export const useSession = (client: ApiClient, sessionId: string) => {
  const [load, setLoad] = useState<SessionLoad>({ status: 'loading' });
  const [liveJob, setLiveJob] = useState<JobSummary | null>(null);
  const inFlight = useRef<Promise<SessionDetail | null> | null>(null);
  const latest = useRef<SessionDetail | null>(null);

  const refresh = useCallback((): Promise<SessionDetail | null> => {
    if (inFlight.current !== null) {
      return inFlight.current;
    }
    const request = client
      .getSession(sessionId)
      .then((session) => {
        latest.current = session;
        setLoad({ status: 'ready', session });
        return session;
      })
      .catch((error: unknown) => {
        const apiError = error instanceof ApiError ? error : new ApiError('NETWORK', String(error), 0);
        // A failed refetch keeps what plays; only the first load shows the error.
        if (latest.current === null || apiError.status === 404 || apiError.status === 401) {
          setLoad({ status: 'error', error: apiError });
        }
        return null;
      })
      .finally(() => {
        inFlight.current = null;
      });
    inFlight.current = request;
    return request;
  }, [client, sessionId]);

  useEffect(() => {
    latest.current = null;
    setLoad({ status: 'loading' });
    void refresh();
  }, [refresh]);

  const session = load.status === 'ready' ? load.session : null;
  const processing = session !== null && (session.state !== 'ready' || session.media?.state === 'processing') && session.state !== 'failed';

  useChangeEvents(session !== null ? client.eventsUrl(sessionId) : null, (event: ChangeEvent) => {
    if (event.sessionId !== sessionId) {
      return;
    }
    if (event.type === 'job') {
      setLiveJob(event.job);
      if (event.job.state === 'completed' || event.job.state === 'failed' || event.job.state === 'cancelled') {
        void refresh();
      }
    } else {
      void refresh();
    }
  });

  useEffect(() => {
    if (!processing) {
      return undefined;
    }
    const timer = window.setInterval(() => void refresh(), PROCESSING_POLL_MS);
    return () => window.clearInterval(timer);
  }, [processing, refresh]);

  return { load, refresh, liveJob, latest };
};
