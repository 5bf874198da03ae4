/** The library's filter fields and the `GET /api/sessions` query they make. Pure. */
import type { SessionQuery } from '../api/types';

export type Filters = { q: string; room: string; from: string; to: string };
export const EMPTY_FILTERS: Filters = { q: '', room: '', from: '', to: '' };

/** Dates from the inputs (local days) → the ISO bounds the API takes; `to` covers its whole day. Pure. */
export const filtersToQuery = (filters: Filters): SessionQuery => {
  const query: SessionQuery = {};
  if (filters.q.trim() !== '') {
    query.q = filters.q.trim();
  }
  if (filters.room.trim() !== '') {
    query.room = filters.room.trim();
  }
  if (filters.from !== '') {
    query.from = new Date(`${filters.from}T00:00:00`).toISOString();
  }
  if (filters.to !== '') {
    query.to = new Date(`${filters.to}T23:59:59.999`).toISOString();
  }
  return query;
};
