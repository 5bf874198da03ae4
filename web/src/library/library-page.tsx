/** `/`: the sessions, searchable and filterable, with live processing progress, delete, and upload. */
import { useEffect, useMemo, useState, type ReactElement } from 'react';
import type { ApiClient } from '../api/client';
import type { SessionSummary } from '../api/types';
import { ConfirmDialog } from '../shared/confirm-dialog';
import { formatDateTime } from '../shared/format';
import { Icon } from '../shared/icons';
import { EMPTY_FILTERS, filtersToQuery, type Filters } from './filters';
import { LibraryFilters } from './library-filters';
import { SessionCard } from './session-card';
import { UploadZone } from './upload-zone';
import { useSessions } from './use-sessions';

export const LibraryPage = ({ client, onUnauthorized }: { client: ApiClient; onUnauthorized: () => void }): ReactElement => {
  const [filters, setFilters] = useState<Filters>(EMPTY_FILTERS);
  const query = useMemo(() => filtersToQuery(filters), [filters]);
  const { load, reload, canShowMore, showMore } = useSessions(client, query);
  const [deleting, setDeleting] = useState<{ session: SessionSummary; busy: boolean; error: string | null } | null>(null);
  const [rooms, setRooms] = useState<string[]>([]);

  const unauthorized = load.status === 'error' && load.error.code === 'API_UNAUTHORIZED';
  useEffect(() => {
    if (unauthorized) {
      onUnauthorized();
    }
  }, [unauthorized, onUnauthorized]);
  useEffect(() => {
    if (load.status === 'ready') {
      setRooms((known) => [...new Set([...known, ...load.list.items.map((item) => item.room)])].sort());
    }
  }, [load]);

  const confirmDelete = () => {
    if (deleting === null) {
      return;
    }
    setDeleting({ ...deleting, busy: true });
    client
      .deleteSession(deleting.session.id)
      .then(() => {
        setDeleting(null);
        reload();
      })
      .catch((error: unknown) => setDeleting({ ...deleting, busy: false, error: error instanceof Error ? error.message : String(error) }));
  };

  return (
    <main className="page library-page">
      <header className="library-header">
        <h1 className="brand">
          <span className="brand-mark" aria-hidden="true" />
          Reprise
        </h1>
        <p className="muted">Meeting replays from Janus recordings</p>
      </header>
      <UploadZone token={client.token} onUploaded={reload} />
      <LibraryFilters filters={filters} rooms={rooms} onChange={setFilters} />
      {load.status === 'loading' && <p className="state-card" role="status">Loading sessions…</p>}
      {load.status === 'error' && !unauthorized && (
        <div className="state-card" role="alert">
          <p>{load.error.message}</p>
          <button type="button" className="button" onClick={reload}>
            <Icon name="retry" size={18} /> Retry
          </button>
        </div>
      )}
      {load.status === 'ready' && (
        <>
          <p className="muted list-count" aria-live="polite">
            {load.list.total} {load.list.total === 1 ? 'session' : 'sessions'}
          </p>
          {load.list.items.length === 0 ? (
            <p className="state-card">No sessions match. Upload recordings above, or clear the filters.</p>
          ) : (
            <ul className="session-grid" aria-label="Sessions">
              {load.list.items.map((session) => (
                <SessionCard key={session.id} session={session} onDelete={(target) => setDeleting({ session: target, busy: false, error: null })} />
              ))}
            </ul>
          )}
          {canShowMore && (
            <button type="button" className="button show-more" onClick={showMore}>
              Show more ({load.list.total - load.list.items.length} more)
            </button>
          )}
        </>
      )}
      {deleting !== null && (
        <ConfirmDialog title="Delete this session?" confirmLabel="Delete" busy={deleting.busy} onConfirm={confirmDelete} onCancel={() => setDeleting(null)}>
          <p>
            {deleting.session.title ?? `Room ${deleting.session.room}`}, {formatDateTime(deleting.session.startedAt)}: its replay, media and uploaded recordings are removed for good, and running jobs are cancelled.
          </p>
          {deleting.error !== null && <p className="upload-error">{deleting.error}</p>}
        </ConfirmDialog>
      )}
    </main>
  );
};
