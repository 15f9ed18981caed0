// Query console: get / multi-get, count, scan (with ranges and cursor paging), reverse and mutual.
import { api, get, url, curl } from './api.js';
import { h, alertBox, uid, copyButton, fmtValue } from './dom.js';

const OPS = [
  ['get', 'Get / multi-get (edge)'],
  ['scan', 'Scan (one node\'s edges)'],
  ['reverse', 'Reverse (scan with direction=IN)'],
  ['count', 'Count'],
  ['mutual', 'Mutual (targets shared by a and b)'],
];

const list = (text) => text.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean);

export async function queryPage(params) {
  const views = await get('/v1/views');
  const state = { view: params.get('view') || (views.find((v) => v.status === 'ACTIVE') || views[0] || {}).name || '', op: params.get('op') || 'scan' };
  const inputs = {};
  const paramsHost = h('div', { class: 'query-params' });
  const output = h('section', { id: 'query-output', 'aria-live': 'polite', 'aria-labelledby': 'result-h' });
  let page = 0;
  let lastNext = null;
  let lastQuery = null;

  const field = (key, label, input, hint) => {
    const id = 'q-' + key;
    input.id = id;
    inputs[key] = input;
    const hintId = hint ? uid('hint') : null;
    if (hintId) input.setAttribute('aria-describedby', hintId);
    return h('div', { class: 'field' }, h('label', { for: id }, label), input, hint ? h('span', { class: 'hint', id: hintId }, hint) : null);
  };
  const text = (value = '', attrs = {}) => h('input', { type: 'text', value, autocomplete: 'off', spellcheck: 'false', ...attrs });
  const currentView = () => views.find((v) => v.name === inputs.view.value);

  const viewSelect = h('select', { onchange: () => renderParams() }, views.map((v) => h('option', { value: v.name }, v.name + (v.status === 'ACTIVE' ? '' : ' (inactive)'))));
  viewSelect.value = state.view;
  const opSelect = h('select', { onchange: () => renderParams() }, OPS.map(([v, l]) => h('option', { value: v }, l)));
  opSelect.value = state.op;

  function renderParams() {
    const v = currentView();
    const op = opSelect.value;
    const idxs = v ? v.definition.indexes || [] : [];
    const rows = [];
    if (op === 'get') {
      rows.push(field('source', 'Source id(s)', text('', { placeholder: '1' }), 'Comma- or space-separated; every source × target pair is looked up.'));
      rows.push(field('target', 'Target id(s)', text('', { placeholder: '2, 3' })));
    } else if (op === 'count') {
      rows.push(field('start', 'Start node id(s)', text('', { placeholder: '1, 2' }), 'Up to 100, comma- or space-separated.'));
      rows.push(field('direction', 'Direction', h('select', {}, ['OUT', 'IN'].map((d) => h('option', { value: d }, d)))));
    } else if (op === 'scan' || op === 'reverse') {
      rows.push(field('start', op === 'reverse' ? 'Target id (start)' : 'Start node id', text('', { placeholder: '1' }),
        op === 'reverse' ? 'Edges arriving at this node (direction=IN).' : null));
      if (op === 'scan') rows.push(field('direction', 'Direction', h('select', {}, ['OUT', 'IN'].map((d) => h('option', { value: d }, d)))));
      rows.push(field('index', 'Index', h('select', {}, h('option', { value: '' }, '(none: by the other node\'s id)'),
        idxs.map((i) => h('option', { value: i.name }, `${i.name} (${i.fields.map((f) => f.field + ' ' + (f.order || 'ASC')).join(', ')})`)))));
      rows.push(field('range', 'Ranges', h('textarea', { rows: '2', spellcheck: 'false', placeholder: 'created_at:lt:1700000001000' }),
        'One per line: field:op:value with op eq, gt, gte, lt, lte or between (value low,high). Needs an index.'));
      rows.push(field('limit', 'Limit', text('20', { inputmode: 'numeric' }), '1 to 1000'));
    } else if (op === 'mutual') {
      rows.push(field('a', 'Source a', text('', { placeholder: '1' })));
      rows.push(field('b', 'Source b', text('', { placeholder: '2' })));
      rows.push(field('limit', 'Limit', text('20', { inputmode: 'numeric' }), '1 to 1000'));
    }
    paramsHost.replaceChildren(h('div', { class: 'row wrap' }, rows));
  }

  function buildPath(cursor) {
    const v = inputs.view.value;
    const op = opSelect.value;
    const q = new URLSearchParams();
    let endpoint;
    if (op === 'get') {
      endpoint = 'edge';
      list(inputs.source.value).forEach((s) => q.append('source', s));
      list(inputs.target.value).forEach((t) => q.append('target', t));
    } else if (op === 'count') {
      endpoint = 'count';
      list(inputs.start.value).forEach((s) => q.append('start', s));
      q.set('direction', inputs.direction.value);
    } else if (op === 'scan' || op === 'reverse') {
      endpoint = 'scan';
      q.set('start', inputs.start.value.trim());
      q.set('direction', op === 'reverse' ? 'IN' : inputs.direction.value);
      if (inputs.index.value) q.set('index', inputs.index.value);
      inputs.range.value.split('\n').map((r) => r.trim()).filter(Boolean).forEach((r) => q.append('range', r));
      if (inputs.limit.value.trim()) q.set('limit', inputs.limit.value.trim());
    } else {
      endpoint = 'mutual';
      q.set('a', inputs.a.value.trim());
      q.set('b', inputs.b.value.trim());
      if (inputs.limit.value.trim()) q.set('limit', inputs.limit.value.trim());
    }
    if (cursor) q.set('cursor', cursor);
    return `/v1/views/${encodeURIComponent(v)}/${endpoint}?${q.toString()}`;
  }

  async function run(cursor) {
    const path = buildPath(cursor);
    page = cursor ? page + 1 : 1;
    const requestUrl = url(path);
    const command = curl('GET', path);
    const request = h('div', { class: 'request' },
      h('h3', {}, 'Request'),
      h('div', { class: 'code-row' }, h('code', { id: 'request-url', class: 'block' }, 'GET ' + requestUrl), copyButton('Copy URL', () => requestUrl)),
      h('div', { class: 'code-row' }, h('code', { id: 'curl-command', class: 'block' }, command), copyButton('Copy curl', () => command)));
    output.replaceChildren(h('h2', { id: 'result-h' }, 'Result'), request, h('p', { class: 'muted' }, 'Loading…'));
    try {
      const { data } = await api('GET', path);
      lastNext = data.next ?? null;
      output.replaceChildren(h('h2', { id: 'result-h' }, 'Result'), request, ...renderResult(data));
    } catch (e) {
      lastNext = null;
      output.replaceChildren(h('h2', { id: 'result-h' }, 'Result'), request,
        alertBox(`${e.status} ${e.problem?.title || ''}: ${e.message}`));
    }
  }

  function renderResult(data) {
    const v = currentView();
    const nodes = [];
    if (data.edges) {
      const propNames = v ? (v.definition.properties || []).map((p) => p.name) : [];
      nodes.push(h('p', { id: 'result-status' }, `Page ${page}: ${data.edges.length} edge(s).`,
        'next' in data ? (data.next ? ' More edges follow.' : ' This is the last page.') : ''));
      if (data.edges.length) {
        nodes.push(resultTable(['source', 'target', 'version', ...propNames],
          data.edges.map((e) => [e.source, e.target, e.version, ...propNames.map((p) => e.properties ? e.properties[p] : null)])));
      }
    } else if (data.counts) {
      nodes.push(h('p', { id: 'result-status' }, `${data.counts.length} count(s).`));
      nodes.push(resultTable(['start', 'direction', 'count'], data.counts.map((c) => [c.start, c.direction, c.count])));
    } else if (data.targets) {
      nodes.push(h('p', { id: 'result-status' }, `Page ${page}: ${data.targets.length} mutual target(s).`,
        data.next ? ' More follow.' : ' This is the last page.'));
      if (data.targets.length) nodes.push(resultTable(['target'], data.targets.map((t) => [t])));
    }
    if (data.next) {
      nodes.push(h('p', {}, h('button', { type: 'button', id: 'next-page', onclick: () => run(lastNext) }, 'Next page'),
        ' ', h('span', { class: 'muted small' }, 'cursor ', h('code', { id: 'next-cursor' }, data.next))));
    }
    nodes.push(h('details', {}, h('summary', {}, 'Raw JSON'), h('pre', { class: 'json-out' }, JSON.stringify(data, null, 2))));
    return nodes;
  }

  function resultTable(columns, rows) {
    return h('div', { class: 'table-wrap' }, h('table', { id: 'result-table' },
      h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, rows.map((r) => h('tr', {}, r.map((cell) => h('td', {}, fmtValue(cell))))))));
  }

  const form = h('form', { id: 'query-form', 'aria-labelledby': 'query-h' },
    h('div', { class: 'row wrap' }, field('view', 'View', viewSelect), field('op', 'Query', opSelect)),
    paramsHost,
    h('div', { class: 'actions' }, h('button', { type: 'submit', id: 'run-query' }, 'Run query')));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    run(null);
  });
  renderParams();
  return [
    h('h1', { id: 'query-h' }, 'Query console'),
    views.length ? form : h('p', {}, 'No views to query yet.'),
    output,
  ];
}
