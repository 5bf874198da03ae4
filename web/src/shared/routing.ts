/**
 * Client-side routes on the History API (no router dependency): `/` the library, `/sessions/:id` a replay
 * (`?t=` seconds to start at). The server answers index.html for both.
 */
import { useEffect, useState } from 'react';

export type Route = { page: 'library' } | { page: 'replay'; sessionId: string; startSec: number | null } | { page: 'not-found' };

/** Pure: a location → the route. */
export const parseRoute = (pathname: string, search: string): Route => {
  if (pathname === '/' || pathname === '') {
    return { page: 'library' };
  }
  const match = /^\/sessions\/([^/]+)\/?$/.exec(pathname);
  if (match === null) {
    return { page: 'not-found' };
  }
  const t = new URLSearchParams(search).get('t');
  const startSec = t !== null && /^\d+(\.\d+)?$/.test(t) ? Number(t) : null;
  return { page: 'replay', sessionId: decodeURIComponent(match[1]!), startSec };
};

export const replayPath = (sessionId: string, startSec?: number): string =>
  `/sessions/${encodeURIComponent(sessionId)}${startSec !== undefined ? `?t=${Math.floor(startSec)}` : ''}`;

const NAVIGATE_EVENT = 'reprise:navigate';

export const navigate = (path: string): void => {
  window.history.pushState(null, '', path);
  window.dispatchEvent(new Event(NAVIGATE_EVENT));
};

export const useRoute = (): Route => {
  const read = () => parseRoute(window.location.pathname, window.location.search);
  const [route, setRoute] = useState<Route>(read);
  useEffect(() => {
    const update = () => setRoute(read());
    window.addEventListener('popstate', update);
    window.addEventListener(NAVIGATE_EVENT, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(NAVIGATE_EVENT, update);
    };
  }, []);
  return route;
};

/** Left clicks on in-app links navigate without a page load; modified clicks open tabs as usual. */
export const onLinkClick = (path: string) => (event: { button: number; metaKey: boolean; ctrlKey: boolean; shiftKey: boolean; altKey: boolean; preventDefault: () => void }) => {
  if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
    return;
  }
  event.preventDefault();
  navigate(path);
};
