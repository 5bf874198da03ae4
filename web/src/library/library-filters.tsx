/** Search (room, title, participant names), room and date range: the `GET /api/sessions` query. */
import type { ReactElement } from 'react';
import { Icon } from '../shared/icons';
import { EMPTY_FILTERS, type Filters } from './filters';

export const LibraryFilters = ({ filters, rooms, onChange }: { filters: Filters; rooms: readonly string[]; onChange: (filters: Filters) => void }): ReactElement => {
  const set = (change: Partial<Filters>) => onChange({ ...filters, ...change });
  const active = filters.q !== '' || filters.room !== '' || filters.from !== '' || filters.to !== '';
  return (
    <form className="filters" role="search" onSubmit={(event) => event.preventDefault()}>
      <label className="field field-search">
        <span className="visually-hidden">Search</span>
        <Icon name="search" size={18} />
        <input type="search" placeholder="Search rooms, titles, people" value={filters.q} onChange={(event) => set({ q: event.target.value })} />
      </label>
      <label className="field">
        <span className="field-label">Room</span>
        <input list="rooms" value={filters.room} onChange={(event) => set({ room: event.target.value })} placeholder="Any" size={8} />
        <datalist id="rooms">
          {rooms.map((room) => (
            <option key={room} value={room} />
          ))}
        </datalist>
      </label>
      <label className="field">
        <span className="field-label">From</span>
        <input type="date" value={filters.from} onChange={(event) => set({ from: event.target.value })} />
      </label>
      <label className="field">
        <span className="field-label">To</span>
        <input type="date" value={filters.to} onChange={(event) => set({ to: event.target.value })} />
      </label>
      {active && (
        <button type="button" className="button is-quiet" onClick={() => onChange(EMPTY_FILTERS)}>
          Clear
        </button>
      )}
    </form>
  );
};
