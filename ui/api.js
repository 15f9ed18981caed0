// The only way the UI talks to the service: the public REST API under api/, with the session's token.
const KEY = 'sideview.token';

export function getToken() {
  return sessionStorage.getItem(KEY) || '';
}

export function setToken(token) {
  if (token) sessionStorage.setItem(KEY, token);
  else sessionStorage.removeItem(KEY);
}

/** A non-2xx answer: `problem` is the problem+json document (or what could be read of the body). */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || 'HTTP ' + status);
    this.status = status;
    this.problem = problem;
  }
  get errors() {
    return Array.isArray(this.problem.errors) ? this.problem.errors : [];
  }
}

const listeners = new Set();
/** Called with the ApiError of every 401 and every 403 on a write. */
export function onAuthProblem(fn) {
  listeners.add(fn);
}

export function url(path) {
  return new URL('api' + path, document.baseURI).href;
}

export async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  const token = getToken();
  if (token) headers.Authorization = 'Bearer ' + token;
  const init = { method, headers };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(url(path), init);
  } catch (e) {
    throw new ApiError(0, { title: 'Network error', detail: 'Could not reach the API: ' + e.message });
  }
  const text = await response.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = { detail: text };
    }
  }
  if (!response.ok) {
    const error = new ApiError(response.status, data || {});
    if (response.status === 401 || (response.status === 403 && method !== 'GET')) {
      listeners.forEach((fn) => fn(error));
    }
    throw error;
  }
  return { status: response.status, data };
}

export const get = (path) => api('GET', path).then((r) => r.data);

/** A curl command a developer can paste; the token itself is never shown, only a variable. */
export function curl(method, path, body) {
  const q = (s) => "'" + String(s).replace(/'/g, "'\\''") + "'";
  const parts = ['curl'];
  if (method !== 'GET') parts.push('-X', method);
  if (getToken()) parts.push('-H', '"Authorization: Bearer $SIDEVIEW_TOKEN"');
  if (body !== undefined) parts.push('-H', q('Content-Type: application/json'), '--data-binary', q(JSON.stringify(body)));
  parts.push(q(url(path)));
  return parts.join(' ');
}
