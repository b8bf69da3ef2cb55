// The signed-in session. The access token lives in this module's memory only; the refresh token is
// the HttpOnly chat_refresh cookie (Path=/v1/auth) that JavaScript never sees. A reload resumes the
// session by refreshing through that cookie; the token is refreshed again before it expires.

let accessToken = null;
let username = null;
// A temporary password an admin set: the token serves only the password change until it is changed.
let passwordChangeRequired = false;
let refreshTimer = null;
const listeners = new Set();

// Set while a session exists, so a first visit does not ask for a refresh that must fail. It holds
// no secret: the cookie is the proof.
const SESSION_FLAG = 'chat.signed-in';

export const currentUser = () => username;
export const mustChangePassword = () => passwordChangeRequired;
export const token = () => accessToken;
export const onSignedOut = listener => listeners.add(listener);

export class AuthError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

async function tokenRequest(body) {
  const response = await fetch('/v1/auth/token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...body, refresh_cookie: true }),
  });
  if (!response.ok) throw new AuthError(response.status, await response.json().catch(() => null));
  return response.json();
}

function accept(answer) {
  accessToken = answer.access_token;
  const claims = JSON.parse(atob(accessToken.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
  username = claims.sub;
  // The sign-in answer says so; a refresh (a reload before the change) carries only the claim.
  passwordChangeRequired = answer.password_change_required === true || claims.pwd_change === 'true';
  localStorage.setItem(SESSION_FLAG, '1');
  clearTimeout(refreshTimer);
  // At four fifths of its life, so a slow network still gets the new token in time.
  const refreshInSeconds = Math.max(5, answer.expires_in * 0.8);
  refreshTimer = setTimeout(() => refresh().catch(expired), refreshInSeconds * 1000);
}

function expired(error) {
  // Offline is not signed out: try again shortly, the cookie is still good.
  if (!(error instanceof AuthError)) { refreshTimer = setTimeout(() => refresh().catch(expired), 10_000); return; }
  forget();
}

/** Signed out on this side only: the server ended the session already (an account deleted). */
export function forget() {
  accessToken = null;
  username = null;
  passwordChangeRequired = false;
  clearTimeout(refreshTimer);
  localStorage.removeItem(SESSION_FLAG);
  for (const listener of listeners) listener();
}

/**
 * One refresh at a time across this browser's tabs (Web Locks): rotation makes the old token dead,
 * and presenting a dead token revokes the whole session.
 */
export function refresh() {
  const run = async () => accept(await tokenRequest({ grant_type: 'refresh_token' }));
  return navigator.locks ? navigator.locks.request('chat-refresh', run) : run();
}

export async function resume() {
  if (!localStorage.getItem(SESSION_FLAG)) return false;
  try {
    await refresh();
    return true;
  } catch (error) {
    if (error instanceof AuthError) localStorage.removeItem(SESSION_FLAG);
    return false;
  }
}

export async function signIn(name, password) {
  accept(await tokenRequest({ grant_type: 'password', username: name, password }));
}

export async function register(name, password) {
  const response = await fetch('/v1/auth/register', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: name, password }),
  });
  if (!response.ok) throw new AuthError(response.status, await response.json().catch(() => null));
}

/** Revokes the refresh cookie's session and this access token; the answer deletes the cookie. */
export async function signOut() {
  try {
    await fetch('/v1/auth/logout', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(accessToken ? { authorization: `Bearer ${accessToken}` } : {}) },
      body: '{}',
    });
  } finally {
    forget();
  }
}
