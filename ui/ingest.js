// Ingestion: shard status every 2 s with a live events/s chart, Pause and Resume per shard, and dead letters with retry.
import { api, get } from './api.js';
import { h, badge, alertBox, fmtTime } from './dom.js';
import { jobsPanel } from './jobs.js';

// A colour set through the CSSOM, not a style attribute: the Content-Security-Policy allows no inline style.
function swatch(color) {
  const el = h('span', { class: 'swatch' });
  el.style.background = color;
  return el;
}

const SAMPLES = 60; // two minutes at one sample every 2 s
const COLORS = ['#0969da', '#bf3989', '#1a7f37', '#9a6700', '#8250df', '#cf222e', '#0a3069', '#57606a'];
const SVG = 'http://www.w3.org/2000/svg';
const history = new Map(); // "group/shard" -> [events/s]; kept across visits of the page

function svg(tag, attrs) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  return el;
}

function stateKind(state) {
  return { STREAMING: 'active', SNAPSHOT: 'active', STARTING: 'warn', RETRYING: 'warn', STOPPED: 'inactive', IDLE: 'idle',
    PAUSED: 'inactive', DISCONNECTED: 'warn', POSITION_LOST: 'warn' }[state] || 'idle';
}

function fmtLag(ms) {
  if (ms === null || ms === undefined) return '—';
  return ms < 1000 ? ms + ' ms' : (ms / 1000).toFixed(ms < 10000 ? 1 : 0) + ' s';
}

function chart(shards) {
  const width = 600, height = 140, pad = 28;
  const keys = shards.map((s) => s.group + '/' + s.shard);
  const max = Math.max(1, ...keys.flatMap((k) => history.get(k) || []));
  const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart', role: 'img', id: 'rate-chart',
    'aria-label': 'Events per second per shard over the last two minutes: ' +
      shards.map((s) => `${s.group}/${s.shard} ${s.eventsPerSecond.toFixed(1)}`).join(', ') });
  for (const f of [0, 0.5, 1]) {
    const y = height - pad - f * (height - 2 * pad);
    root.append(svg('line', { x1: pad, x2: width - 4, y1: y, y2: y, class: 'grid' }));
    const label = svg('text', { x: 2, y: y + 4, class: 'axis' });
    label.textContent = (max * f).toFixed(max < 10 ? 1 : 0);
    root.append(label);
  }
  keys.forEach((k, i) => {
    const values = history.get(k) || [];
    const step = (width - pad - 4) / (SAMPLES - 1);
    const offset = SAMPLES - values.length;
    const points = values.map((v, j) => `${(pad + (offset + j) * step).toFixed(1)},${(height - pad - (v / max) * (height - 2 * pad)).toFixed(1)}`);
    if (points.length === 1) points.push(points[0]);
    root.append(svg('polyline', { points: points.join(' '), fill: 'none', stroke: COLORS[i % COLORS.length], 'stroke-width': 2 }));
  });
  const axis = svg('text', { x: width - 4, y: height - 6, class: 'axis', 'text-anchor': 'end' });
  axis.textContent = 'now';
  const axis2 = svg('text', { x: pad, y: height - 6, class: 'axis' });
  axis2.textContent = '−2 min';
  root.append(axis, axis2);
  return h('figure', { class: 'chart-figure' }, root,
    h('figcaption', {}, h('ul', { class: 'legend' }, keys.map((k, i) =>
      h('li', {}, swatch(COLORS[i % COLORS.length]), k)))));
}

export async function ingestPage() {
  const summary = h('p', { id: 'ingest-summary', class: 'muted' }, 'Loading…');
  const shardsHost = h('div', { id: 'shards' });
  const chartHost = h('div', { id: 'chart' });
  const errorHost = h('div', { 'aria-live': 'polite' });
  const shardMessage = h('div', { id: 'shard-message', 'aria-live': 'polite' });
  const lettersHost = h('div', { id: 'dead-letters' });
  const lettersMessage = h('div', { 'aria-live': 'polite' });
  let stopped = false;

  async function refresh() {
    try {
      const status = await get('/v1/ingest/status');
      if (stopped) return;
      errorHost.replaceChildren();
      for (const s of status.shards) {
        const k = s.group + '/' + s.shard;
        const values = history.get(k) || [];
        values.push(s.eventsPerSecond || 0);
        while (values.length > SAMPLES) values.shift();
        history.set(k, values);
      }
      const c = status.walConsumer;
      const consumer = c ? ` · WAL consumer: ${c.applied} applied, ${c.lagRecords ?? '?'} behind, lag ${fmtLag(c.lagMs)}${c.lastError ? ' · error: ' + c.lastError : ''}` : '';
      summary.textContent = `WAL: ${status.wal}${consumer} · ${status.shards.length} shard(s) · ${status.pendingDeadLetters} pending dead letter(s) · refreshed ${new Date().toLocaleTimeString()}`;
      shardsHost.replaceChildren(status.shards.length === 0
        ? h('p', {}, 'No source group is configured: nothing is captured.')
        : h('div', { class: 'table-wrap' }, h('table', { id: 'shards-table' },
          h('caption', {}, 'Capture engines, one per shard'),
          h('thead', {}, h('tr', {}, ['Group', 'Shard', 'State', 'Tables', 'Position', 'Lag', 'Pending events', 'Events/s', 'Applied', 'Dead letters', 'Backfills', 'Last error', 'Capture']
            .map((c) => h('th', { scope: 'col' }, c)))),
          h('tbody', {}, status.shards.map((s) => h('tr', {},
            h('td', {}, s.group), h('td', {}, s.shard), h('td', { class: 'shard-state' }, badge(s.state, stateKind(s.state))),
            h('td', {}, s.tables && s.tables.length ? s.tables.join(', ') : '—'),
            h('td', {}, s.position ? h('code', {}, s.position) : '—'),
            h('td', {}, fmtLag(s.lagMs)), h('td', {}, String(s.lagEvents)),
            h('td', {}, (s.eventsPerSecond || 0).toFixed(1)), h('td', {}, String(s.eventsApplied)), h('td', {}, String(s.deadLetters)),
            h('td', {}, s.backfills && Object.keys(s.backfills).length
              ? h('ul', { class: 'plain' }, Object.entries(s.backfills).map(([view, st]) => h('li', {}, h('code', {}, view), ': ', st)))
              : '—'),
            s.lastError ? h('td', { class: 'error-cell' }, s.lastError) : h('td', {}, '—'),
            h('td', { 'data-write': true }, controls(s))))))));
      chartHost.replaceChildren(status.shards.length ? chart(status.shards) : '');
    } catch (e) {
      if (!stopped) errorHost.replaceChildren(alertBox(`Could not read the ingestion status: ${e.message}`));
    }
  }

  // Both buttons on every row, the one that does not apply disabled: a shard another node runs (ELSEWHERE)
  // can be paused only on that node, so both are disabled there.
  function controls(s) {
    const k = s.group + '/' + s.shard;
    const paused = s.state === 'PAUSED';
    const away = s.state === 'ELSEWHERE';
    const title = away ? 'Another node runs this shard: pause or resume it there' : undefined;
    return h('div', { class: 'row' },
      h('button', { type: 'button', class: 'small secondary', id: `pause-${s.group}-${s.shard}`, 'aria-label': `Pause ${k}`,
        disabled: paused || away, title, onclick: () => control(s, 'pause') }, 'Pause'),
      h('button', { type: 'button', class: 'small', id: `resume-${s.group}-${s.shard}`, 'aria-label': `Resume ${k}`,
        disabled: !paused || away, title, onclick: () => control(s, 'resume') }, 'Resume'));
  }

  async function control(s, verb) {
    const k = s.group + '/' + s.shard;
    shardMessage.replaceChildren();
    try {
      const { data } = await api('POST', `/v1/ingest/shards/${encodeURIComponent(s.group)}/${encodeURIComponent(s.shard)}/${verb}`);
      shardMessage.replaceChildren(alertBox(data.state === 'PAUSED'
        ? `${k} is paused by ${data.paused.by} since ${fmtTime(data.paused.since)}: changes wait on the shard.`
        : `${k} resumed: ${data.state}.`, 'ok'));
    } catch (e) {
      shardMessage.replaceChildren(alertBox(`Could not ${verb} ${k}: ${e.message}`));
    }
    refresh();
  }

  async function loadLetters() {
    try {
      const letters = await get('/v1/ingest/dead-letters?status=PENDING&limit=100');
      lettersHost.replaceChildren(letters.length === 0 ? h('p', { id: 'no-dead-letters' }, 'No pending dead letters.')
        : h('div', { class: 'table-wrap' }, h('table', { id: 'dead-letters-table' },
          h('caption', {}, `${letters.length} pending dead letter(s), oldest first`),
          h('thead', {}, h('tr', {}, ['Id', 'View', 'Shard', 'Position', 'Reason', 'Attempts', 'Created', 'Row', ''].map((c) => h('th', { scope: 'col' }, c)))),
          h('tbody', {}, letters.map((d) => h('tr', {},
            h('td', {}, String(d.id)), h('td', {}, d.view), h('td', {}, d.shard), h('td', {}, h('code', {}, d.position)),
            h('td', {}, d.reason), h('td', {}, String(d.attempts)), h('td', {}, fmtTime(d.createdAt)),
            h('td', {}, h('details', {}, h('summary', {}, 'Row'), h('pre', { class: 'json-out' }, JSON.stringify(d.change, null, 2)))),
            h('td', { 'data-write': true }, h('button', { type: 'button', class: 'small', 'aria-label': `Retry dead letter ${d.id}`, onclick: () => retry(d.id) }, 'Retry'))))))));
    } catch (e) {
      lettersHost.replaceChildren(alertBox(`Could not list dead letters: ${e.message}`));
    }
  }

  async function retry(id) {
    lettersMessage.replaceChildren();
    try {
      const { data } = await api('POST', `/v1/ingest/dead-letters/${id}/retry`);
      lettersMessage.replaceChildren(data.status === 'RESOLVED'
        ? alertBox(`Dead letter ${id} applied (RESOLVED).`, 'ok')
        : alertBox(`Dead letter ${id} still fails: ${data.reason}`, 'warn'));
    } catch (e) {
      lettersMessage.replaceChildren(alertBox(`Retry of ${id} failed: ${e.message}`));
    }
    loadLetters();
  }

  await Promise.all([refresh(), loadLetters()]);
  const jobs = jobsPanel(null);
  const timer = setInterval(refresh, 2000);
  return {
    nodes: [
      h('h1', {}, 'Ingestion'),
      summary,
      errorHost,
      h('section', { 'aria-labelledby': 'shards-h' }, h('h2', { id: 'shards-h' }, 'Shards'),
        h('p', { class: 'muted small' }, 'Pause stops a shard\'s capture on this node (offsets kept; changes wait on the shard) until Resume.'),
        shardMessage, shardsHost),
      h('section', { 'aria-labelledby': 'rate-h' }, h('h2', { id: 'rate-h' }, 'Events per second'), chartHost),
      h('section', { 'aria-labelledby': 'dl-h' },
        h('div', { class: 'page-head' }, h('h2', { id: 'dl-h' }, 'Dead letters'),
          h('button', { type: 'button', class: 'secondary small', id: 'refresh-dead-letters', onclick: loadLetters }, 'Refresh')),
        lettersMessage, lettersHost),
      h('section', { 'aria-labelledby': 'jobs-h' }, h('h2', { id: 'jobs-h' }, 'Jobs'),
        h('p', { class: 'muted small' }, 'History copies (BACKFILL), index builds, verifies and rebuilds, with progress and ETA. ', h('a', { href: '#/jobs' }, 'Start a verify or rebuild')),
        jobs.node),
    ],
    cleanup: () => {
      stopped = true;
      clearInterval(timer);
      jobs.stop();
    },
  };
}
