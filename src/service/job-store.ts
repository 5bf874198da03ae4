/**
 * What the job service needs from the catalog, as a port: the service is tested with the real catalog on both
 * databases, and the port names the exact surface a different store would have to provide.
 */
import type { Catalog } from '../catalog/catalog.js';

export type JobStore = Pick<
  Catalog,
  | 'loadSessionForJob'
  | 'saveSpeaking'
  | 'setSessionState'
  | 'markSessionChanged'
  | 'sessionChangedSince'
  | 'createJob'
  | 'getJob'
  | 'updateJob'
  | 'heartbeat'
  | 'activeJobOf'
  | 'staleRunningJobs'
  | 'idleQueuedJobs'
  | 'createOutput'
  | 'publishOutput'
  | 'outputsOf'
  | 'failOutput'
>;
