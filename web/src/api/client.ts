/**
 * The only place that calls `fetch` (uploads use XMLHttpRequest for progress: see upload.ts). Every `/api` call
 * carries the Bearer token; errors come back as ApiError with the server's code (docs/api.md).
 */
import type { SessionDetail, SessionList, SessionQuery } from './types';

export type ApiErrorCode = 'API_UNAUTHORIZED' | 'API_NOT_FOUND' | 'NETWORK' | (string & {});

export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type ApiClient = {
  readonly token: string;
  listSessions(query: SessionQuery, signal?: AbortSignal): Promise<SessionList>;
  getSession(id: string, signal?: AbortSignal): Promise<SessionDetail>;
  deleteSession(id: string): Promise<void>;
  startJobs(id: string): Promise<{ jobId: string; outputId: string }>;
  /** `GET /api/events` as an EventSource URL (`?token=`: EventSource cannot send headers). */
  eventsUrl(sessionId?: string): string;
};

const errorFromResponse = async (response: Response): Promise<ApiError> => {
  const body = (await response.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
  const code = body?.error?.code ?? (response.status === 401 ? 'API_UNAUTHORIZED' : `HTTP_${response.status}`);
  return new ApiError(code, body?.error?.message ?? response.statusText, response.status);
};

export const createApiClient = (token: string, baseUrl = ''): ApiClient => {
  const request = async (method: string, path: string, signal?: AbortSignal): Promise<Response> => {
    let response: Response;
    try {
      response = await fetch(`${baseUrl}${path}`, { method, headers: { authorization: `Bearer ${token}` }, signal: signal ?? null });
    } catch (error) {
      if (signal?.aborted === true) {
        throw error;
      }
      throw new ApiError('NETWORK', 'The server cannot be reached.', 0);
    }
    if (!response.ok) {
      throw await errorFromResponse(response);
    }
    return response;
  };
  const json = async <T>(method: string, path: string, signal?: AbortSignal): Promise<T> => (await (await request(method, path, signal)).json()) as T;

  return {
    token,
    listSessions: (query, signal) => {
      const params = new URLSearchParams();
      for (const [key, value] of Object.entries(query)) {
        if (value !== undefined && value !== '') {
          params.set(key, String(value));
        }
      }
      return json<SessionList>('GET', `/api/sessions?${params.toString()}`, signal);
    },
    getSession: (id, signal) => json<SessionDetail>('GET', `/api/sessions/${encodeURIComponent(id)}`, signal),
    deleteSession: async (id) => {
      await request('DELETE', `/api/sessions/${encodeURIComponent(id)}`);
    },
    startJobs: (id) => json('POST', `/api/sessions/${encodeURIComponent(id)}/jobs`),
    eventsUrl: (sessionId) => {
      const params = new URLSearchParams({ token });
      if (sessionId !== undefined) {
        params.set('session', sessionId);
      }
      return `${baseUrl}/api/events?${params.toString()}`;
    },
  };
};

/** Media files (signed URLs: no token header). Text only: captions and thumbnail VTT. */
export const fetchMediaText = async (url: string, signal?: AbortSignal): Promise<string> => {
  const response = await fetch(url, { signal: signal ?? null });
  if (!response.ok) {
    throw new ApiError(`HTTP_${response.status}`, `${url}: ${response.status}`, response.status);
  }
  return response.text();
};
