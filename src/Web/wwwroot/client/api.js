// The REST API with the session's access token. A 401 refreshes the token once and tries again.
import { token, refresh, AuthError } from './session.js';

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

/** Network failures (offline, a dropped connection) are TypeErrors from fetch: worth a retry later. */
export const isNetworkError = error => error instanceof TypeError;

export async function api(method, path, body, retried = false) {
  const headers = { authorization: `Bearer ${token()}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (response.status === 401 && !retried) {
    try { await refresh(); } catch (error) { if (error instanceof AuthError) throw new ApiError(401, error.problem); throw error; }
    return api(method, path, body, true);
  }
  if (!response.ok) throw new ApiError(response.status, await response.json().catch(() => null));
  return response.status === 204 ? null : response.json();
}

export const get = path => api('GET', path);
export const post = (path, body) => api('POST', path, body ?? {});
