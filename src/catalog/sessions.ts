/**
 * Sessions with their participants and tracks: saving a manifest, listing and searching, reading one in full.
 */
import { expressionBuilder, sql, type Expression, type Kysely, type SqlBool, type Transaction } from 'kysely';
import type { SessionManifest } from '../sessions/manifest.js';
import {
  toJobRecord,
  toOutputRecord,
  toParticipantRecord,
  toSessionDetailRecord,
  toSessionRecord,
  toTrackRecord,
  type SessionDetail,
  type SessionSummary,
} from './records.js';
import type { CatalogSchema, SessionState } from './schema.js';

export type SessionQuery = {
  /** Case-insensitive substring of the room, title, id, or a participant's name or id. */
  query?: string;
  room?: string;
  /** started_at >= fromMs and < toMs. */
  fromMs?: number;
  toMs?: number;
  limit: number;
  offset: number;
};

export type SessionPage = { items: SessionSummary[]; total: number };

/** LIKE pattern for a substring, with the user's %, _ and \ taken literally (backslash is PostgreSQL's default escape). */
const containsPattern = (text: string): string => `%${text.replace(/[\\%_]/g, '\\$&')}%`;

const sessionFilter = (query: SessionQuery): Expression<SqlBool> => {
  const eb = expressionBuilder<CatalogSchema, 'sessions'>();
  const conditions: Array<Expression<SqlBool>> = [];
  if (query.room !== undefined) {
    conditions.push(eb('sessions.room', '=', query.room));
  }
  if (query.fromMs !== undefined) {
    conditions.push(eb('sessions.started_at', '>=', sql<number>`to_timestamp(${query.fromMs / 1000})`));
  }
  if (query.toMs !== undefined) {
    conditions.push(eb('sessions.started_at', '<', sql<number>`to_timestamp(${query.toMs / 1000})`));
  }
  const text = query.query?.trim();
  if (text !== undefined && text !== '') {
    const pattern = containsPattern(text);
    conditions.push(
      eb.or([
        eb('sessions.room', 'ilike', pattern),
        eb('sessions.title', 'ilike', pattern),
        eb('sessions.id', 'ilike', pattern),
        eb.exists(
          eb
            .selectFrom('participants as p')
            .select(sql`1`.as('one'))
            .whereRef('p.session_id', '=', 'sessions.id')
            .where((inner) => inner.or([inner('p.display_name', 'ilike', pattern), inner('p.participant_id', 'ilike', pattern)])),
        ),
      ]),
    );
  }
  return eb.and(conditions);
};

const replaceParticipants = async (trx: Transaction<CatalogSchema>, manifest: SessionManifest): Promise<void> => {
  await trx.deleteFrom('participants').where('session_id', '=', manifest.id).execute(); // and their tracks
  if (manifest.participants.length === 0) {
    return;
  }
  await trx
    .insertInto('participants')
    .values(
      manifest.participants.map((participant) => ({
        session_id: manifest.id,
        participant_id: participant.id,
        display_name: participant.displayName,
        intervals: JSON.stringify(participant.presence),
        speaking: JSON.stringify(participant.speaking),
      })),
    )
    .execute();
  const tracks = manifest.participants.flatMap((participant) =>
    participant.tracks.map((track) => ({
      session_id: manifest.id,
      participant_id: participant.id,
      kind: track.kind,
      codec: track.codec,
      file: track.file,
      start_ms: Math.round(track.startMs),
      end_ms: Math.round(track.endMs),
    })),
  );
  if (tracks.length > 0) {
    await trx.insertInto('tracks').values(tracks).execute();
  }
};

export const saveSession = (db: Kysely<CatalogSchema>, manifest: SessionManifest, sourceDir: string): Promise<{ created: boolean }> =>
  db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('sessions')
      .values({
        id: manifest.id,
        room: manifest.room,
        kind: manifest.plugin,
        started_at: new Date(manifest.originUs / 1000),
        duration_ms: Math.round(manifest.durationMs),
        origin_us: Math.round(manifest.originUs),
        manifest: JSON.stringify(manifest),
        source_dir: sourceDir,
      })
      .onConflict((conflict) =>
        conflict.column('id').doUpdateSet((eb) => ({
          room: eb.ref('excluded.room'),
          kind: eb.ref('excluded.kind'),
          started_at: eb.ref('excluded.started_at'),
          duration_ms: eb.ref('excluded.duration_ms'),
          origin_us: eb.ref('excluded.origin_us'),
          manifest: eb.ref('excluded.manifest'),
          source_dir: eb.ref('excluded.source_dir'),
          updated_at: sql`now()`,
          changed_at: sql`now()`,
        })),
      )
      // xmax is 0 on a row version this statement inserted, not on one it updated.
      .returning(sql<boolean>`(xmax = 0)`.as('created'))
      .executeTakeFirstOrThrow();
    await replaceParticipants(trx, manifest);
    return { created: row.created };
  });

export const listSessions = async (db: Kysely<CatalogSchema>, query: SessionQuery): Promise<SessionPage> => {
  const filter = sessionFilter(query);
  const [rows, count] = await Promise.all([
    db
      .selectFrom('sessions')
      .select(['id', 'room', 'kind', 'title', 'started_at', 'duration_ms', 'state', 'error', 'created_at', 'updated_at'])
      .select((eb) => {
        const participants = eb.selectFrom('participants as p').whereRef('p.session_id', '=', 'sessions.id');
        return [
          participants.select(sql<number>`count(*)::int`.as('n')).as('participant_count'),
          participants
            .select(sql<string[]>`coalesce(array_agg(coalesce(p.display_name, p.participant_id) order by p.participant_id), '{}')`.as('names'))
            .as('participant_names'),
        ];
      })
      .where(filter)
      .orderBy('started_at', 'desc')
      .orderBy('id')
      .limit(query.limit)
      .offset(query.offset)
      .execute(),
    db.selectFrom('sessions').select(sql<number>`count(*)::int`.as('total')).where(filter).executeTakeFirstOrThrow(),
  ]);
  const items = rows.map((row) => ({
    ...toSessionRecord(row),
    participantCount: row.participant_count ?? 0,
    participantNames: row.participant_names ?? [],
  }));
  return { items, total: count.total };
};

export const getSession = async (db: Kysely<CatalogSchema>, id: string): Promise<SessionDetail | null> => {
  const [session, participants, tracks, jobs, outputs] = await Promise.all([
    db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst(),
    db.selectFrom('participants').selectAll().where('session_id', '=', id).orderBy('participant_id').execute(),
    db.selectFrom('tracks').selectAll().where('session_id', '=', id).orderBy('participant_id').orderBy('start_ms').orderBy('id').execute(),
    db
      .selectFrom((eb) => eb.selectFrom('jobs').selectAll().distinctOn('kind').where('session_id', '=', id).orderBy('kind').orderBy('seq', 'desc').as('latest'))
      .selectAll()
      .orderBy('seq', 'desc')
      .execute(),
    db.selectFrom('outputs').selectAll().where('session_id', '=', id).where('state', '<>', 'superseded').orderBy('seq', 'desc').execute(),
  ]);
  if (session === undefined) {
    return null;
  }
  return {
    session: toSessionDetailRecord(session),
    participants: participants.map(toParticipantRecord),
    tracks: tracks.map(toTrackRecord),
    jobs: jobs.map(toJobRecord),
    outputs: outputs.map(toOutputRecord),
  };
};

export const deleteSession = async (db: Kysely<CatalogSchema>, id: string): Promise<boolean> => {
  const result = await db.deleteFrom('sessions').where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
};

export const setSessionState = async (db: Kysely<CatalogSchema>, id: string, state: SessionState, error: string | null): Promise<boolean> => {
  const result = await db.updateTable('sessions').set({ state, error, updated_at: sql`now()` }).where('id', '=', id).executeTakeFirst();
  return result.numUpdatedRows > 0n;
};
