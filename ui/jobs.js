// Jobs: history copies, index builds, verifies and rebuilds, verifies against the source and repairs,
// with progress bars and ETA.
import { api, get } from './api.js';
import { h, badge, alertBox, fmtTime } from './dom.js';

const enc = encodeURIComponent;
const LIVE = new Set(['QUEUED', 'RUNNING']);
const CLIENT_JOBS = new Set(['VERIFY', 'REBUILD', 'SOURCE_VERIFY', 'REPAIR', 'REPLAY']);

/** A source verify's difference: kind, side and node, the edge's other end, what differs. */
export function fmtDifference(d) {
  if (typeof d === 'string') return d;
  return `${d.kind} ${d.side} ${d.node}${d.other !== null && d.other !== undefined ? ' → ' + d.other : ''}: ${d.detail}`;
}

/** Lines for a SOURCE_VERIFY result (or one half of a REPAIR's). */
function sourceLines(r, label) {
  const kinds = Object.entries(r.differences || {}).filter(([, n]) => n > 0).map(([k, n]) => `${k}: ${n}`);
  return [`${label}${r.exact ? 'exact' : 'NOT exact'}`, `${r.edges} edges, ${r.nodes} nodes`]
    .concat(kinds, r.unconfirmed ? [`unconfirmed: ${r.unconfirmed}`] : []);
}

function stateKind(state) {
  return { DONE: 'active', RUNNING: 'warn', QUEUED: 'idle', FAILED: 'inactive', CANCELLED: 'idle' }[state] || 'idle';
}

export function fmtEta(seconds) {
  if (seconds === null || seconds === undefined) return '—';
  if (seconds < 60) return seconds + ' s';
  if (seconds < 3600) return Math.floor(seconds / 60) + ' min ' + (seconds % 60) + ' s';
  return Math.floor(seconds / 3600) + ' h ' + Math.floor((seconds % 3600) / 60) + ' min';
}

function progress(job) {
  const unit = job.type === 'BACKFILL' || job.type === 'REPLAY' ? 'rows' : job.type === 'PURGE' ? 'key ranges' : 'nodes';
  const text = job.total !== null && job.total !== undefined
    ? `${job.done.toLocaleString()} of ${job.total.toLocaleString()} ${unit}` : `${job.done.toLocaleString()} ${unit}`;
  const bar = h('progress', {
    max: '100', value: job.percent !== null && job.percent !== undefined ? String(job.percent) : null,
    'aria-label': `Job ${job.id} progress: ${job.percent ?? 'unknown'} percent`,
  });
  return h('div', { class: 'progress-cell' }, bar,
    h('span', { class: 'small' }, (job.percent !== null && job.percent !== undefined ? job.percent + '% · ' : '') + text));
}

function outcome(job) {
  const r = job.result;
  if (!r) return LIVE.has(job.state) ? (job.ratePerSecond ? `${job.ratePerSecond}/s` : '') : '—';
  if (r.error) return h('span', { class: 'error-cell' }, r.error);
  if (r.before && r.after) {
    const repaired = [`upserts: ${r.upserts}`, `deletes: ${r.deletes}`, `rewritten: ${r.nodesRewritten}`, `joined: ${r.sidesJoined}`];
    return samplesOf(sourceLines(r.before, 'before: ').concat(repaired, sourceLines(r.after, 'after: ')), r.before.samples);
  }
  if (r.differences) return samplesOf(sourceLines(r, ''), r.samples);
  if ('recordsDeleted' in r) return `removed ${r.recordsDeleted.toLocaleString()} record(s) of storage id #${r.viewId}`;
  if ('toStorageId' in r) return `queries read generation #${r.toStorageId} (${r.rowsCopied.toLocaleString()} rows copied); #${r.fromStorageId} purged (${r.recordsPurged.toLocaleString()} records)`;
  const lines = [];
  if ('exact' in r) lines.push(r.exact ? 'exact' : 'NOT exact');
  if ('wasExact' in r) lines.push(r.wasExact ? 'nothing to repair' : 'repaired');
  if ('indexRowsWritten' in r) lines.push(`built: ${r.indexRowsWritten} index row(s) written`);
  if ('edges' in r) lines.push(`${r.edges} edges, ${r.nodes} nodes`);
  const drift = ['countMismatches', 'indexRowsMissing', 'indexRowsStale', 'sideMismatches', 'interruptedApplies'].filter((k) => r[k]);
  drift.forEach((k) => lines.push(`${k}: ${r[k]}`));
  return samplesOf(lines, r.samples);
}

function samplesOf(lines, samples) {
  return h('div', {}, h('span', { class: 'small' }, lines.join(' · ')),
    samples && samples.length
      ? h('details', {}, h('summary', {}, `${samples.length} sample(s)`), h('ul', { class: 'plain small' }, samples.map((s) => h('li', {}, fmtDifference(s)))))
      : null);
}

function jobsTable(jobs, showView, onCancel) {
  return h('div', { class: 'table-wrap' }, h('table', { class: 'jobs-table' },
    h('caption', {}, `${jobs.length} job(s), newest first`),
    h('thead', {}, h('tr', {}, ['Id', 'Type', showView ? 'View' : null, 'Detail', 'State', 'Progress', 'ETA', 'Outcome', 'Started', '']
      .filter((c) => c !== null).map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, jobs.map((j) => h('tr', { 'data-job': String(j.id), 'data-state': j.state },
      h('td', {}, String(j.id)), h('td', {}, j.type),
      showView ? h('td', {}, h('a', { href: '#/views/' + enc(j.view) }, j.view)) : null,
      h('td', {}, j.detail || '—'),
      h('td', { class: 'job-state' }, badge(j.state, stateKind(j.state))),
      h('td', {}, progress(j)),
      h('td', { class: 'job-eta' }, LIVE.has(j.state) ? fmtEta(j.etaSeconds) : '—'),
      h('td', {}, outcome(j)),
      h('td', {}, fmtTime(j.startedAt)),
      h('td', { 'data-write': true }, LIVE.has(j.state) && (CLIENT_JOBS.has(j.type) || j.type === 'BACKFILL')
        ? h('button', { type: 'button', class: 'small secondary', 'aria-label': `Cancel job ${j.id}`, onclick: () => onCancel(j.id) }, 'Cancel')
        : null))))));
}

/**
 * A live list of jobs (of one view, or all): refreshed every second while one is queued or running,
 * every 5 s otherwise. Returns { node, start(type), stop }.
 */
export function jobsPanel(view) {
  const host = h('div', { id: view ? 'view-jobs' : 'all-jobs', 'aria-live': 'polite' }, h('p', { class: 'muted' }, 'Loading jobs…'));
  const message = h('div', { 'aria-live': 'polite' });
  let timer = null;
  let stopped = false;

  async function refresh() {
    clearTimeout(timer);
    let live = false;
    try {
      const jobs = await get('/v1/jobs?limit=50' + (view ? '&view=' + enc(view) : ''));
      if (stopped) return;
      live = jobs.some((j) => LIVE.has(j.state));
      host.replaceChildren(jobs.length ? jobsTable(jobs, !view, cancel) : h('p', { class: 'no-jobs' }, 'No jobs yet.'));
    } catch (e) {
      if (!stopped) host.replaceChildren(alertBox(`Could not list jobs: ${e.message}`));
    }
    if (!stopped) timer = setTimeout(refresh, live ? 1000 : 5000);
  }

  async function cancel(id) {
    message.replaceChildren();
    try {
      await api('POST', `/v1/jobs/${id}/cancel`);
    } catch (e) {
      message.replaceChildren(alertBox(`Cancel of job ${id} failed: ${e.message}`));
    }
    refresh();
  }

  async function start(type, name, sample) {
    message.replaceChildren();
    try {
      const body = { type, view: name || view };
      if (sample) body.sample = sample;
      const { data } = await api('POST', '/v1/jobs', body);
      message.replaceChildren(alertBox(`${type} of '${data.view}' queued as job ${data.id}.`, 'ok'));
    } catch (e) {
      message.replaceChildren(alertBox(`${type} could not start: ${e.message}`));
    }
    refresh();
  }

  refresh();
  return { node: h('div', {}, message, host), start, stop: () => { stopped = true; clearTimeout(timer); } };
}

export async function jobsPage() {
  const views = await get('/v1/views');
  const panel = jobsPanel(null);
  const select = h('select', { id: 'job-view' }, views.map((v) => h('option', { value: v.name }, v.name)));
  const type = h('select', { id: 'job-type' }, h('option', { value: 'VERIFY' }, 'Verify (read only)'), h('option', { value: 'REBUILD' }, 'Rebuild counts and indexes'),
    h('option', { value: 'SOURCE_VERIFY' }, 'Verify against the source shards (read only)'),
    h('option', { value: 'REPAIR' }, 'Repair from the source shards, then verify'),
    h('option', { value: 'REPLAY' }, 'Replay from the source shards into a new generation, then switch'));
  const sample = h('input', { id: 'job-sample', type: 'number', min: '1', step: '1', placeholder: 'every node', inputmode: 'numeric' });
  const form = h('form', { class: 'row', id: 'start-job', 'data-write': true, onsubmit: (e) => {
    e.preventDefault();
    const scoped = type.value === 'SOURCE_VERIFY' || type.value === 'REPAIR';
    panel.start(type.value, select.value, scoped && sample.value ? Number(sample.value) : null);
  } },
    h('div', { class: 'field' }, h('label', { for: 'job-view' }, 'View'), select),
    h('div', { class: 'field' }, h('label', { for: 'job-type' }, 'Job'), type),
    h('div', { class: 'field' }, h('label', { for: 'job-sample' }, 'Sample (nodes; source jobs)'), sample),
    h('div', { class: 'field' }, h('button', { type: 'submit', disabled: views.length ? null : true }, 'Start')));
  return {
    nodes: [
      h('h1', {}, 'Jobs'),
      h('p', { class: 'muted' }, 'History copies and index builds start by themselves; a verify checks every node\'s count and index records against its edges, a rebuild rewrites them; a verify against the source compares a captured view with its tables on the shards (every node, or a random sample), a repair re-derives what differs from them; a replay rebuilds the view from them into a new generation while the current one answers, then switches queries to it at once.'),
      form,
      panel.node,
    ],
    cleanup: panel.stop,
  };
}
