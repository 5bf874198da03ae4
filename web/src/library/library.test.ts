import { describe, expect, test } from 'vitest';
import type { SessionList } from '../api/types';
import { filtersToQuery } from './filters';
import { applyJobEvent } from './use-sessions';

describe('filtersToQuery', () => {
  test('empty fields are left out; text is trimmed; `to` covers its whole day', () => {
    const query = filtersToQuery({ q: '  alice ', room: '', from: '2026-11-24', to: '2026-11-25' });
    expect(query.q).toBe('alice');
    expect(query.room).toBeUndefined();
    expect(Date.parse(query.to!) - Date.parse(query.from!)).toBe(2 * 86_400_000 - 1);
  });
});

describe('applyJobEvent', () => {
  const list: SessionList = {
    total: 1,
    items: [{ id: 's', room: '1', plugin: 'videoroom', title: null, startedAt: '', durationMs: 1, participants: [], state: 'pending', error: null, job: null, posterUrl: null }],
  };
  test('a running job moves the session to processing with its progress', () => {
    const next = applyJobEvent(list, { type: 'job', sessionId: 's', job: { id: 'j', kind: 'compose', state: 'running', progress: 0.4, attempts: 1, error: null } });
    expect(next.items[0]).toMatchObject({ state: 'processing', job: { kind: 'compose', progress: 0.4 } });
  });
  test('other sessions and session events leave the list as it is', () => {
    expect(applyJobEvent(list, { type: 'job', sessionId: 'other', job: { id: 'j', kind: 'compose', state: 'running', progress: 1, attempts: 1, error: null } }).items[0]).toEqual(list.items[0]);
    expect(applyJobEvent(list, { type: 'session', sessionId: 's', session: { id: 's', state: 'ready', updatedAtMs: 0 } })).toBe(list);
  });
});
