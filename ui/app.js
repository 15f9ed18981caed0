// Sideview web UI: a hash-routed single page over the public REST API (see docs/api.md).
import { api, ApiError, getToken, setToken, onAuthProblem } from './api.js';
import { h, alertBox } from './dom.js';
import { viewsPage, viewDetailPage } from './views.js';
import { formPage } from './form.js';
import { queryPage } from './query.js';
import { ingestPage } from './ingest.js';
import { jobsPage } from './jobs.js';
import { clusterPage } from './cluster.js';
import { session, takeFlash } from './state.js';

const main = document.getElementById('main');
const roleEl = document.getElementById('role');
const banner = document.getElementById('banner');

let cleanup = null;

function setReadOnly(readOnly) {
  session.readOnly = readOnly;
  document.body.classList.toggle('readonly', readOnly);
  roleEl.textContent = readOnly ? 'Read-only (reader token)' : session.authNeeded ? 'Token needed' : 'Read and write';
  roleEl.className = 'role ' + (readOnly ? 'role-reader' : session.authNeeded ? 'role-none' : 'role-admin');
}

/** Asks the API who the token belongs to: admins write, readers only read, no token may be a 401. */
async function probeRole() {
  session.authNeeded = false;
  try {
    const { data: me } = await api('GET', '/v1/me');
    setReadOnly(!me.canWrite);
  } catch (e) {
    if (e.status === 401) {
      session.authNeeded = true;
      banner.replaceChildren(alertBox('The API needs a token: enter an admin or reader token above.', 'warn'));
    }
    setReadOnly(false);
  }
}

onAuthProblem((e) => {
  if (e.status === 403) {
    setReadOnly(true);
    banner.replaceChildren(alertBox('Your token may only read: write actions are hidden.', 'warn'));
  } else if (e.status === 401) {
    session.authNeeded = true;
    setReadOnly(false);
    banner.replaceChildren(alertBox('The API needs a valid token: enter one above.', 'warn'));
  }
});

const routes = [
  [/^#\/views\/?$/, () => viewsPage(), 'views'],
  [/^#\/views\/([^/?]+)$/, (m) => viewDetailPage(decodeURIComponent(m[1])), 'views'],
  [/^#\/new$/, () => formPage(null), 'new'],
  [/^#\/edit\/([^/?]+)$/, (m) => formPage(decodeURIComponent(m[1])), 'views'],
  [/^#\/query(?:\?(.*))?$/, (m) => queryPage(new URLSearchParams(m[1] || '')), 'query'],
  [/^#\/ingest$/, () => ingestPage(), 'ingest'],
  [/^#\/jobs$/, () => jobsPage(), 'jobs'],
  [/^#\/cluster$/, () => clusterPage(), 'cluster'],
];

async function route() {
  if (cleanup) {
    cleanup();
    cleanup = null;
  }
  const hash = location.hash || '#/views';
  let found = null;
  for (const [re, page, nav] of routes) {
    const m = hash.match(re);
    if (m) {
      found = { page: () => page(m), nav };
      break;
    }
  }
  document.querySelectorAll('[data-nav]').forEach((a) => {
    if (found && a.dataset.nav === found.nav) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  });
  const container = h('div', { class: 'page' });
  const flash = takeFlash();
  if (flash) container.append(alertBox(flash, 'ok'));
  main.replaceChildren(container);
  if (!found) {
    container.append(h('h1', { tabindex: '-1' }, 'Not found'), h('p', {}, 'No page at ', h('code', {}, hash), '. ',
      h('a', { href: '#/views' }, 'Go to the views.')));
    focusHeading();
    return;
  }
  try {
    const result = await found.page();
    container.append(...[result.nodes || result].flat(Infinity).filter((n) => n !== null && n !== undefined && n !== false));
    cleanup = result.cleanup || null;
  } catch (e) {
    container.append(h('h1', { tabindex: '-1' }, 'Something went wrong'),
      alertBox(e instanceof ApiError ? `${e.status || ''} ${e.message}` : String(e)));
  }
  setReadOnly(session.readOnly);
  focusHeading();
}

function focusHeading() {
  const heading = main.querySelector('h1');
  if (heading) {
    heading.setAttribute('tabindex', '-1');
    heading.focus({ preventScroll: true });
    document.title = heading.textContent + ' · Sideview';
  }
}

const tokenInput = document.getElementById('token-input');
tokenInput.value = getToken();
document.getElementById('token-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  setToken(tokenInput.value.trim());
  banner.replaceChildren();
  await probeRole();
  route();
});
document.getElementById('token-clear').addEventListener('click', async () => {
  tokenInput.value = '';
  setToken('');
  banner.replaceChildren();
  await probeRole();
  route();
});
document.getElementById('skip-link').addEventListener('click', (e) => {
  e.preventDefault();
  main.focus();
});

window.addEventListener('hashchange', route);
if (!location.hash) history.replaceState(null, '', '#/views');
probeRole().then(route);
