/** The app shell: the token gate, then the page for the current route. */
import { useCallback, useMemo, useState, type ReactElement } from 'react';
import { createApiClient } from './api/client';
import { storeToken, takeTokenFromLocation } from './api/token';
import { LibraryPage } from './library/library-page';
import { ReplayPage } from './player/replay-page';
import { onLinkClick, useRoute } from './shared/routing';
import { TokenPrompt } from './token-prompt';

export const App = (): ReactElement => {
  const [token, setToken] = useState<string | null>(() => takeTokenFromLocation());
  const [rejected, setRejected] = useState(false);
  const route = useRoute();
  const client = useMemo(() => (token === null ? null : createApiClient(token)), [token]);
  const onUnauthorized = useCallback(() => {
    storeToken(null);
    setRejected(true);
    setToken(null);
  }, []);

  if (client === null) {
    return (
      <TokenPrompt
        rejected={rejected}
        onSubmit={(entered) => {
          storeToken(entered);
          setToken(entered);
        }}
      />
    );
  }
  switch (route.page) {
    case 'library':
      return <LibraryPage client={client} onUnauthorized={onUnauthorized} />;
    case 'replay':
      return <ReplayPage key={route.sessionId} client={client} sessionId={route.sessionId} startSec={route.startSec} onUnauthorized={onUnauthorized} />;
    case 'not-found':
      return (
        <main className="page">
          <div className="state-card">
            <h1>Page not found</h1>
            <a href="/" onClick={onLinkClick('/')}>
              Back to the library
            </a>
          </div>
        </main>
      );
  }
};
