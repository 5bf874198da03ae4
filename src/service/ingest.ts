/**
 * A session found (watched folder, upload, the bundled sample) enters the catalog and gets processed. The same
 * session seen again with more recordings (a participant who joined late) updates the catalog and is processed
 * again; a session the user deleted stays deleted unless it is uploaded again.
 */
import type { Catalog } from '../catalog/catalog.js';
import type { SessionManifest } from '../sessions/manifest.js';
import type { JobService } from './jobs.js';

export type IngestOrigin = 'watch' | 'upload' | 'sample';
export type IngestResult = { action: 'created' | 'updated' | 'unchanged' | 'deleted-before'; jobId: string | null };

export const ingestSession = async (
  deps: { catalog: Catalog; jobs: JobService },
  manifest: SessionManifest,
  sourceDir: string,
  origin: IngestOrigin,
): Promise<IngestResult> => {
  const { catalog, jobs } = deps;
  if (origin !== 'upload' && (await catalog.isDeleted(manifest.id))) {
    return { action: 'deleted-before', jobId: null };
  }
  if (origin === 'upload') {
    await catalog.forgetDeleted(manifest.id);
  }
  const existing = await catalog.getSession(manifest.id);
  if (existing !== null && sameTracks(existing.session.manifest, manifest)) {
    return { action: 'unchanged', jobId: null };
  }
  const { created } = await catalog.saveSession(manifest, sourceDir);
  const started = await jobs.requestPipeline(manifest.id);
  return { action: created ? 'created' : 'updated', jobId: started?.jobId ?? null };
};

/** Same recordings with the same extent: nothing new to process. */
const sameTracks = (a: SessionManifest, b: SessionManifest): boolean => {
  const key = (manifest: SessionManifest): string =>
    manifest.participants
      .flatMap((participant) => participant.tracks.map((track) => `${participant.id}|${track.file}|${track.startUs}|${track.endUs}`))
      .sort()
      .join('\n');
  return key(a) === key(b);
};
