// Views list and view detail (schema, binding, revisions, diff, admin actions).
import { api, get } from './api.js';
import { h, table, badge, alertBox, fmtTime, fmtValue } from './dom.js';
import { setFlash, navigate } from './state.js';
import { lineDiff } from './diff.js';
import { jobsPanel } from './jobs.js';

const enc = encodeURIComponent;

function kind(v) {
  const b = v.definition && v.definition.binding;
  return v.captured && b ? `captured: ${b.sourceGroup}:${b.database}.${b.table}` : 'API-written';
}

/** Lag of a captured view: the worst lag among the shards of its group that capture its table. */
function lagOf(v, shards) {
  const b = v.definition && v.definition.binding;
  if (!b || !shards) return '';
  const mine = shards.filter((s) => s.group === b.sourceGroup);
  if (!mine.length) return '';
  const lags = mine.map((s) => s.lagMs).filter((x) => x !== null && x !== undefined);
  const states = [...new Set(mine.map((s) => s.state))].join(', ');
  return (lags.length ? Math.max(...lags) + ' ms' : 'n/a') + ' (' + states + ')';
}

export async function viewsPage() {
  const [views, status] = await Promise.all([get('/v1/views'), get('/v1/ingest/status').catch(() => null)]);
  const shards = status && status.shards;
  // Record counts per view, fetched side by side; a view whose stats fail just shows a dash.
  const stats = new Map(await Promise.all(views.map((v) => get('/v1/views/' + enc(v.name) + '/stats')
    .then((s) => [v.name, s]).catch(() => [v.name, null]))));
  return [
    h('div', { class: 'page-head' },
      h('h1', {}, 'Views'),
      h('a', { class: 'button', href: '#/new', 'data-write': true }, 'New view')),
    views.length === 0
      ? h('p', { id: 'views-empty' }, 'No views yet. ', h('a', { href: '#/new', 'data-write': true }, 'Create one.'))
      : table(`${views.length} view(s), sorted by name`, [
          ['Name', (v) => h('a', { href: '#/views/' + enc(v.name), class: 'view-link' }, v.name)],
          ['Status', (v) => badge(v.status)],
          ['Revision', (v) => String(v.revision)],
          ['Kind', (v) => kind(v)],
          ['Ids', (v) => `${v.definition.sourceType} → ${v.definition.targetType}, ${v.definition.direction}`],
          ['Properties', (v) => String((v.definition.properties || []).length)],
          ['Indexes', (v) => String((v.definition.indexes || []).length)],
          ['Edges', (v) => (stats.get(v.name) ? stats.get(v.name).edges.toLocaleString() : '—')],
          ['Nodes', (v) => (stats.get(v.name) ? Object.entries(stats.get(v.name).nodes).map(([side, n]) => `${side} ${n.toLocaleString()}`).join(', ') : '—')],
          ['Capture lag', (v) => lagOf(v, shards) || '—'],
          ['Updated', (v) => fmtTime(v.updatedAt)],
        ], views, { id: 'views-table' }),
  ];
}

function definitionSections(def) {
  const props = def.properties || [];
  const indexes = def.indexes || [];
  const b = def.binding;
  return [
    h('section', { 'aria-labelledby': 'props-h' },
      h('h2', { id: 'props-h' }, 'Properties'),
      props.length ? table(null, [
        ['Id', (p) => String(p.id ?? '')],
        ['Name', (p) => p.name],
        ['Type', (p) => p.type],
        ['Nullable', (p) => (p.nullable ? 'yes' : 'no')],
        ['Default', (p) => ('default' in p ? fmtValue(p.default) : '—')],
      ], props, { id: 'props-table' }) : h('p', {}, 'No properties.')),
    h('section', { 'aria-labelledby': 'idx-h' },
      h('h2', { id: 'idx-h' }, 'Indexes'),
      indexes.length ? table(null, [
        ['Id', (i) => String(i.id ?? '')],
        ['Name', (i) => i.name],
        ['Fields, in order', (i) => h('ol', { class: 'inline-list' },
          i.fields.map((f) => h('li', {}, h('code', {}, f.field), ' ', f.order || 'ASC')))],
      ], indexes, { id: 'indexes-table' }) : h('p', {}, 'No indexes: scans read edges in order of the other node\'s id.')),
    h('section', { 'aria-labelledby': 'bind-h' },
      h('h2', { id: 'bind-h' }, 'Binding'),
      b ? [
        h('dl', { class: 'facts' },
          h('dt', {}, 'Source group'), h('dd', {}, b.sourceGroup),
          h('dt', {}, 'Table'), h('dd', {}, h('code', {}, `${b.database}.${b.table}`)),
          h('dt', {}, 'Version from'), h('dd', {}, b.version ? (b.version.from + (b.version.column ? ` (${b.version.column})` : '')) : 'BINLOG'),
          h('dt', {}, 'Soft delete'), h('dd', {}, b.softDelete ? `${b.softDelete.column} = '${b.softDelete.equals}'` : 'none')),
        table('Column mapping', [
          ['Column', (c) => h('code', {}, c.column)],
          ['SQL type', (c) => c.type],
          ['Maps to', (c) => c.mapsTo || '— (read by version / soft delete only)'],
        ], b.columns, { id: 'columns-table' }),
      ] : h('p', {}, 'None: this view is written through the API (POST …/mutations).')),
  ];
}

function diffSection(name, revisions) {
  const out = h('div', { id: 'diff-output', 'aria-live': 'polite' });
  const pick = (id, label, selected) => h('div', { class: 'field' },
    h('label', { for: id }, label),
    h('select', { id }, revisions.map((r) => h('option', { value: String(r.revision), selected: r.revision === selected ? 'selected' : null },
      `revision ${r.revision} (${fmtTime(r.createdAt)})`))));
  const last = revisions[revisions.length - 1].revision;
  const from = pick('diff-from', 'From', revisions.length > 1 ? revisions[revisions.length - 2].revision : last);
  const to = pick('diff-to', 'To', last);
  const render = () => {
    const a = revisions.find((r) => String(r.revision) === from.querySelector('select').value);
    const b = revisions.find((r) => String(r.revision) === to.querySelector('select').value);
    const lines = lineDiff(JSON.stringify(a.definition, null, 2).split('\n'), JSON.stringify(b.definition, null, 2).split('\n'));
    const added = lines.filter((l) => l.op === '+').length;
    const removed = lines.filter((l) => l.op === '-').length;
    out.replaceChildren(
      h('p', { class: 'muted', id: 'diff-summary' }, a === b ? 'Same revision chosen twice.' :
        `revision ${a.revision} → ${b.revision}: ${added} line(s) added, ${removed} removed`),
      h('pre', { class: 'diff', tabindex: '0', 'aria-label': `Diff of revision ${a.revision} and ${b.revision}` },
        lines.map((l) => h('span', { class: 'diff-line diff-' + (l.op === '+' ? 'add' : l.op === '-' ? 'del' : 'same') },
          (l.op === ' ' ? '  ' : l.op + ' ') + l.text + '\n'))));
  };
  from.querySelector('select').addEventListener('change', render);
  to.querySelector('select').addEventListener('change', render);
  render();
  return h('section', { 'aria-labelledby': 'rev-h' },
    h('h2', { id: 'rev-h' }, 'Revision history'),
    table(null, [
      ['Revision', (r) => String(r.revision)],
      ['Created', (r) => fmtTime(r.createdAt)],
      ['Properties', (r) => (r.definition.properties || []).map((p) => p.name).join(', ') || '—'],
      ['Indexes', (r) => (r.definition.indexes || []).map((i) => i.name).join(', ') || '—'],
    ], [...revisions].reverse(), { id: 'revisions-table' }),
    h('h3', {}, 'Diff between two revisions'),
    h('div', { class: 'row' }, from, to),
    out);
}

export async function viewDetailPage(name) {
  const [view, revisions, stats] = await Promise.all([get('/v1/views/' + enc(name)), get('/v1/views/' + enc(name) + '/revisions'),
    get('/v1/views/' + enc(name) + '/stats').catch(() => null)]);
  const jobs = jobsPanel(name);
  const def = view.definition;
  const message = h('div', { 'aria-live': 'polite' });
  const act = async (label, method, path, after) => {
    message.replaceChildren();
    try {
      await api(method, path);
      after();
    } catch (e) {
      message.replaceChildren(alertBox(`${label} failed: ${e.message}`));
    }
  };
  const actions = h('div', { class: 'actions', 'data-write': true },
    h('a', { class: 'button', href: '#/edit/' + enc(name), id: 'edit-view' }, 'Edit definition'),
    view.status === 'ACTIVE'
      ? h('button', { type: 'button', id: 'deactivate', class: 'secondary', onclick: () => act('Deactivate', 'POST', `/v1/views/${enc(name)}/deactivate`, () => { setFlash(`View '${name}' deactivated.`); navigate('#/views/' + enc(name)); }) }, 'Deactivate')
      : h('button', { type: 'button', id: 'activate', class: 'secondary', onclick: () => act('Activate', 'POST', `/v1/views/${enc(name)}/activate`, () => { setFlash(`View '${name}' activated.`); navigate('#/views/' + enc(name)); }) }, 'Activate'),
    h('button', {
      type: 'button', id: 'delete', class: 'danger', disabled: view.status === 'ACTIVE' ? true : null,
      title: view.status === 'ACTIVE' ? 'Deactivate the view before deleting it' : null,
      onclick: () => {
        if (confirm(`Delete view '${name}' and all its revisions? Its edges become unreachable.`)) {
          act('Delete', 'DELETE', '/v1/views/' + enc(name), () => { setFlash(`View '${name}' deleted.`); navigate('#/views'); });
        }
      },
    }, 'Delete'),
    view.status === 'ACTIVE' ? h('span', { class: 'muted small' }, 'Delete needs the view deactivated first.') : null);
  const nodes = [
    h('p', { class: 'crumbs' }, h('a', { href: '#/views' }, 'Views'), ' / ', name),
    h('div', { class: 'page-head' }, h('h1', {}, 'View ', h('code', {}, name)), badge(view.status)),
    def.description ? h('p', {}, def.description) : null,
    h('dl', { class: 'facts', id: 'view-facts' },
      h('dt', {}, 'Id'), h('dd', {}, String(view.id)),
      h('dt', {}, 'Revision'), h('dd', { id: 'current-revision' }, String(view.revision)),
      h('dt', {}, 'Kind'), h('dd', {}, kind(view)),
      h('dt', {}, 'Ids'), h('dd', {}, `source ${def.sourceType}, target ${def.targetType}`),
      h('dt', {}, 'Direction'), h('dd', {}, def.direction),
      h('dt', {}, 'Created'), h('dd', {}, fmtTime(view.createdAt)),
      h('dt', {}, 'Updated'), h('dd', {}, fmtTime(view.updatedAt)),
      h('dt', {}, 'Active edges'), h('dd', { id: 'stat-edges' }, stats ? stats.edges.toLocaleString() : '—'),
      h('dt', {}, 'Nodes'), h('dd', {}, stats ? Object.entries(stats.nodes).map(([side, n]) => `${side} ${n.toLocaleString()}`).join(', ') : '—'),
      view.captured ? [h('dt', {}, 'Capture lag'), h('dd', {}, stats && stats.lagMs !== null ? stats.lagMs + ' ms' : '—')] : null),
    actions,
    h('p', {}, h('a', { href: '#/query?view=' + enc(name) }, 'Query this view in the console')),
    message,
    definitionSections(def),
    h('section', { 'aria-labelledby': 'jobs-h' },
      h('div', { class: 'page-head' }, h('h2', { id: 'jobs-h' }, 'Jobs'),
        h('div', { class: 'actions', 'data-write': true },
          h('button', { type: 'button', id: 'verify-view', class: 'secondary small', onclick: () => jobs.start('VERIFY') }, 'Verify'),
          h('button', { type: 'button', id: 'rebuild-view', class: 'secondary small', onclick: () => jobs.start('REBUILD') }, 'Rebuild'))),
      h('p', { class: 'muted small' }, 'Verify checks every node\'s count and index records against its edges; rebuild rewrites them. Index builds start when a revision adds an index.'),
      jobs.node),
    diffSection(name, revisions),
  ];
  return { nodes, cleanup: jobs.stop };
}
