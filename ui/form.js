// Create / edit form for a whole view definition, with a JSON view kept in sync, and the server's
// validation errors shown next to the fields they name: as you type (a dry run against
// POST /v1/views/validate, nothing stored) and again on submit.
import { api, get, ApiError } from './api.js';
import { h, alertBox, uid } from './dom.js';
import { setFlash, navigate } from './state.js';

const PROPERTY_TYPES = ['boolean', 'int', 'long', 'double', 'string'];
const SQL_TYPES = ['TINYINT', 'BOOLEAN', 'SMALLINT', 'INT', 'BIGINT', 'FLOAT', 'DOUBLE', 'DECIMAL', 'CHAR', 'VARCHAR', 'TEXT'];
const enc = encodeURIComponent;

function blank() {
  return { name: '', sourceType: 'long', targetType: 'long', direction: 'OUT', properties: [], indexes: [] };
}

/** Ids are allocated by the registry; leave them out of what the form edits. */
function strip(def) {
  const d = structuredClone(def);
  (d.properties || []).forEach((p) => delete p.id);
  (d.indexes || []).forEach((i) => delete i.id);
  return d;
}

/** Sets obj[key], or removes it when the value is empty, so the JSON stays what a person would write. */
function put(obj, key, value) {
  if (value === '' || value === undefined) delete obj[key];
  else obj[key] = value;
}

/** A default typed by the property's type; what cannot be read is sent as text for the server to judge. */
function parseDefault(text, type) {
  const t = text.trim();
  if (t === '') return undefined;
  if (t === 'null') return null;
  if (type === 'string') return text;
  if (type === 'boolean' && (t === 'true' || t === 'false')) return t === 'true';
  if (['int', 'long', 'double'].includes(type) && t !== '' && !isNaN(Number(t))) return Number(t);
  try {
    return JSON.parse(t);
  } catch {
    return text;
  }
}

/** True for a new form nobody has filled in yet: only the defaults of blank(), and empty values. */
function isBlank(model) {
  const empty = (v) => v === undefined || v === '' || (Array.isArray(v) && v.length === 0);
  const b = blank();
  return [...new Set([...Object.keys(b), ...Object.keys(model)])]
    .every((k) => (empty(model[k]) && empty(b[k])) || JSON.stringify(model[k]) === JSON.stringify(b[k]));
}

const CHECK_DELAY_MS = 400;

function showDefault(p) {
  if (!('default' in p)) return '';
  return p.default === null ? 'null' : typeof p.default === 'object' ? JSON.stringify(p.default) : String(p.default);
}

export async function formPage(name) {
  const editing = name !== null;
  let model = editing ? strip((await get('/v1/views/' + enc(name))).definition) : blank();
  let groups = [];
  try {
    const status = await get('/v1/ingest/status');
    groups = [...new Set(status.shards.map((s) => s.group))];
  } catch {
    /* optional: only feeds suggestions */
  }

  const formHost = h('div', { class: 'form-host' });
  const summary = h('div', { id: 'error-summary', tabindex: '-1' });
  const jsonArea = h('textarea', { id: 'json-view', class: 'json', spellcheck: 'false', rows: '30', 'aria-describedby': 'json-help json-status' });
  const jsonStatus = h('p', { id: 'json-status', class: 'muted small', 'aria-live': 'polite' }, 'In sync with the form.');
  const checkStatus = h('span', { id: 'check-status', class: 'small', role: 'status', 'aria-live': 'polite' });
  let pendingFocus = null;
  let checkTimer = null;
  let checkSeq = 0; // bumped by every change and by submit: an answer to an older request is stale

  const syncJson = () => {
    jsonArea.value = JSON.stringify(model, null, 2);
    jsonStatus.textContent = 'In sync with the form.';
    jsonStatus.className = 'muted small';
  };
  const changed = () => {
    syncJson();
    scheduleCheck();
  };
  const rerender = (focusPath) => {
    pendingFocus = focusPath || null;
    renderForm();
    changed();
  };

  jsonArea.addEventListener('input', () => {
    try {
      const parsed = JSON.parse(jsonArea.value);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('expected a JSON object');
      model = parsed;
      renderForm();
      jsonStatus.textContent = 'Form updated from the JSON.';
      jsonStatus.className = 'muted small';
      scheduleCheck();
    } catch (e) {
      jsonStatus.textContent = 'Not valid JSON yet (' + e.message + '); the form keeps the last valid document.';
      jsonStatus.className = 'warn-text small';
    }
  });

  // --- field builders: every input carries data-path (the server's field path) and an error slot.
  const field = (label, path, input, opts = {}) => {
    const id = uid('f');
    input.id = id;
    input.dataset.path = path;
    const errId = id + '-err';
    const hint = opts.hint ? h('span', { class: 'hint', id: id + '-hint' }, opts.hint) : null;
    input.setAttribute('aria-describedby', [hint ? id + '-hint' : null, errId].filter(Boolean).join(' '));
    const isCheck = input.type === 'checkbox';
    return h('div', { class: 'field' + (isCheck ? ' field-check' : '') + (opts.class ? ' ' + opts.class : ''), 'data-field': path },
      isCheck ? [input, h('label', { for: id }, label)] : [h('label', { for: id }, label), input],
      hint,
      h('div', { class: 'field-error', id: errId, 'data-error-for': path }));
  };
  const text = (value, onInput, attrs = {}) =>
    h('input', { type: 'text', value: value ?? '', autocomplete: 'off', spellcheck: 'false', ...attrs, oninput: (e) => { onInput(e.target.value); changed(); } });
  const select = (value, options, onChange) => {
    const s = h('select', { onchange: (e) => { onChange(e.target.value); changed(); } },
      options.map((o) => h('option', { value: o }, o)));
    if (value !== undefined && !options.includes(value)) s.append(h('option', { value }, value));
    s.value = value ?? options[0];
    return s;
  };
  const check = (value, onChange) => h('input', { type: 'checkbox', checked: !!value, onchange: (e) => { onChange(e.target.checked); changed(); } });
  const listed = (listId) => ({ list: listId });
  const button = (label, onClick, attrs = {}) => h('button', { type: 'button', class: 'secondary small', ...attrs, onclick: onClick }, label);

  function fieldNames() {
    return ['source', 'target', 'version', ...(model.properties || []).map((p) => p.name).filter(Boolean)];
  }

  function renderForm() {
    const props = Array.isArray(model.properties) ? model.properties : [];
    const indexes = Array.isArray(model.indexes) ? model.indexes : [];
    const b = model.binding && typeof model.binding === 'object' ? model.binding : null;
    const datalists = [
      h('datalist', { id: 'dl-prop-types' }, PROPERTY_TYPES.map((t) => h('option', { value: t }))),
      h('datalist', { id: 'dl-sql-types' }, SQL_TYPES.map((t) => h('option', { value: t }))),
      h('datalist', { id: 'dl-index-fields' }, fieldNames().map((f) => h('option', { value: f }))),
      h('datalist', { id: 'dl-maps-to' }, ['source', 'target', ...(props.map((p) => p.name).filter(Boolean))].map((f) => h('option', { value: f }))),
      h('datalist', { id: 'dl-groups' }, groups.map((g) => h('option', { value: g }))),
    ];

    const general = h('fieldset', { class: 'group' }, h('legend', {}, 'View'),
      field('Name', 'name', text(model.name, (v) => put(model, 'name', v), { readonly: editing ? 'readonly' : null, required: 'required' }),
        { hint: editing ? 'Views cannot be renamed.' : 'Lower-case snake case, for example follows.' }),
      field('Description', 'description', h('textarea', { rows: '2', oninput: (e) => { put(model, 'description', e.target.value); changed(); } }, model.description ?? '')),
      h('div', { class: 'row' },
        field('Source id type', 'sourceType', select(model.sourceType, ['long', 'string'], (v) => (model.sourceType = v))),
        field('Target id type', 'targetType', select(model.targetType, ['long', 'string'], (v) => (model.targetType = v))),
        field('Direction', 'direction', select(model.direction, ['OUT', 'IN', 'BOTH'], (v) => (model.direction = v)),
          { hint: 'OUT: under the source; IN: under the target; BOTH: both sides.' })));

    const propRows = props.map((p, i) => {
      const path = `properties[${i}]`;
      return h('div', { class: 'item', 'data-field': path, role: 'group', 'aria-label': `Property ${i + 1}` },
        h('div', { class: 'row' },
          field('Name', path + '.name', text(p.name, (v) => put(p, 'name', v))),
          field('Type', path + '.type', text(p.type, (v) => { put(p, 'type', v); }, listed('dl-prop-types'))),
          field('Default', path + '.default', text(showDefault(p), (v) => put(p, 'default', parseDefault(v, p.type)), { placeholder: 'none' })),
          field('Nullable', path + '.nullable', check(p.nullable, (v) => (v ? (p.nullable = true) : delete p.nullable)), { class: 'narrow' }),
          button('Remove', () => { props.splice(i, 1); rerender(props.length ? `properties[${Math.min(i, props.length - 1)}].name` : 'add-property'); },
            { 'aria-label': `Remove property ${p.name || i + 1}`, class: 'secondary small remove' })),
        h('div', { class: 'field-error', 'data-error-for': path }));
    });
    const propertiesSet = h('fieldset', { class: 'group', 'data-field': 'properties' }, h('legend', {}, 'Properties'),
      propRows.length ? propRows : h('p', { class: 'muted' }, 'No properties.'),
      h('div', { class: 'field-error', 'data-error-for': 'properties' }),
      button('Add property', () => {
        model.properties = props;
        props.push({ name: '', type: 'long', nullable: true });
        rerender(`properties[${props.length - 1}].name`);
      }, { id: 'add-property' }));

    const indexRows = indexes.map((ix, i) => {
      const path = `indexes[${i}]`;
      const fields = Array.isArray(ix.fields) ? ix.fields : (ix.fields = []);
      return h('div', { class: 'item', 'data-field': path, role: 'group', 'aria-label': `Index ${i + 1}` },
        h('div', { class: 'row' },
          field('Index name', path + '.name', text(ix.name, (v) => put(ix, 'name', v))),
          button('Remove index', () => { indexes.splice(i, 1); rerender('add-index'); }, { 'aria-label': `Remove index ${ix.name || i + 1}`, class: 'secondary small remove' })),
        h('ol', { class: 'index-fields', 'aria-label': 'Fields, in order' },
          fields.map((f, j) => {
            const fp = `${path}.fields[${j}]`;
            return h('li', { 'data-field': fp },
              h('div', { class: 'row' },
                field(`Field ${j + 1}`, fp + '.field', text(f.field, (v) => put(f, 'field', v), listed('dl-index-fields'))),
                field('Order', fp + '.order', select(f.order || 'ASC', ['ASC', 'DESC'], (v) => (f.order = v))),
                h('div', { class: 'buttons' },
                  button('↑', () => { fields.splice(j - 1, 0, fields.splice(j, 1)[0]); rerender(`${path}.fields[${j - 1}].field`); },
                    { disabled: j === 0 ? true : null, 'aria-label': `Move field ${j + 1} up` }),
                  button('↓', () => { fields.splice(j + 1, 0, fields.splice(j, 1)[0]); rerender(`${path}.fields[${j + 1}].field`); },
                    { disabled: j === fields.length - 1 ? true : null, 'aria-label': `Move field ${j + 1} down` }),
                  button('Remove', () => { fields.splice(j, 1); rerender(`${path}.name`); }, { 'aria-label': `Remove field ${j + 1} of index ${ix.name || i + 1}` }))),
              h('div', { class: 'field-error', 'data-error-for': fp }));
          })),
        h('div', { class: 'field-error', 'data-error-for': path + '.fields' }),
        h('div', { class: 'field-error', 'data-error-for': path }),
        button('Add field', () => { fields.push({ field: '', order: 'ASC' }); rerender(`${path}.fields[${fields.length - 1}].field`); },
          { 'aria-label': `Add a field to index ${ix.name || i + 1}` }));
    });
    const indexesSet = h('fieldset', { class: 'group', 'data-field': 'indexes' }, h('legend', {}, 'Indexes'),
      indexRows.length ? indexRows : h('p', { class: 'muted' }, 'No indexes.'),
      h('div', { class: 'field-error', 'data-error-for': 'indexes' }),
      button('Add index', () => {
        model.indexes = indexes;
        indexes.push({ name: '', fields: [{ field: '', order: 'ASC' }] });
        rerender(`indexes[${indexes.length - 1}].name`);
      }, { id: 'add-index' }));

    const bindingSet = h('fieldset', { class: 'group', 'data-field': 'binding' }, h('legend', {}, 'Binding (captured table)'),
      field('Captured from a MySQL/MariaDB table', 'binding-toggle', check(!!b, (on) => {
        if (on) model.binding = { sourceGroup: groups[0] || '', database: '', table: '', columns: [{ column: '', type: 'BIGINT', mapsTo: 'source' }, { column: '', type: 'BIGINT', mapsTo: 'target' }], version: { from: 'BINLOG' } };
        else delete model.binding;
        rerender('binding-toggle');
      })),
      h('div', { class: 'field-error', 'data-error-for': 'binding' }),
      b ? bindingFields(b) : h('p', { class: 'muted' }, 'Not bound: the view is written through the API.'));

    formHost.replaceChildren(h('div', {}, datalists), general, propertiesSet, indexesSet, bindingSet);
    if (pendingFocus) {
      const target = pendingFocus === 'add-property' || pendingFocus === 'add-index'
        ? formHost.querySelector('#' + pendingFocus)
        : formHost.querySelector(`[data-path="${CSS.escape(pendingFocus)}"]`);
      if (target) target.focus();
      pendingFocus = null;
    }
  }

  function bindingFields(b) {
    const columns = Array.isArray(b.columns) ? b.columns : (b.columns = []);
    const version = b.version && typeof b.version === 'object' ? b.version : (b.version = { from: 'BINLOG' });
    return [
      h('div', { class: 'row' },
        field('Source group', 'binding.sourceGroup', text(b.sourceGroup, (v) => put(b, 'sourceGroup', v), listed('dl-groups'))),
        field('Database', 'binding.database', text(b.database, (v) => put(b, 'database', v))),
        field('Table', 'binding.table', text(b.table, (v) => put(b, 'table', v)))),
      h('div', { class: 'row' },
        field('Version from', 'binding.version.from', select(version.from || 'BINLOG', ['BINLOG', 'COLUMN'], (v) => {
          version.from = v;
          if (v === 'BINLOG') delete version.column;
          rerender('binding.version.from');
        })),
        version.from === 'COLUMN' ? field('Version column', 'binding.version.column', text(version.column, (v) => put(version, 'column', v))) : null,
        field('Soft delete rule', 'binding.softDelete-toggle', check(!!b.softDelete, (on) => {
          if (on) b.softDelete = { column: '', equals: '' };
          else delete b.softDelete;
          rerender('binding.softDelete-toggle');
        })),
        b.softDelete ? field('Soft delete column', 'binding.softDelete.column', text(b.softDelete.column, (v) => (b.softDelete.column = v))) : null,
        b.softDelete ? field('equals', 'binding.softDelete.equals', text(b.softDelete.equals, (v) => (b.softDelete.equals = v))) : null),
      h('div', { class: 'field-error', 'data-error-for': 'binding.version' }),
      h('div', { class: 'field-error', 'data-error-for': 'binding.softDelete' }),
      h('h3', {}, 'Column mapping'),
      columns.map((c, k) => {
        const cp = `binding.columns[${k}]`;
        return h('div', { class: 'item', 'data-field': cp, role: 'group', 'aria-label': `Column ${k + 1}` },
          h('div', { class: 'row' },
            field('Column', cp + '.column', text(c.column, (v) => put(c, 'column', v))),
            field('SQL type', cp + '.type', text(c.type, (v) => put(c, 'type', v), listed('dl-sql-types'))),
            field('Maps to', cp + '.mapsTo', text(c.mapsTo, (v) => put(c, 'mapsTo', v), { ...listed('dl-maps-to'), placeholder: 'nothing' })),
            button('Remove', () => { columns.splice(k, 1); rerender('add-column'); }, { 'aria-label': `Remove column ${c.column || k + 1}`, class: 'secondary small remove' })),
          h('div', { class: 'field-error', 'data-error-for': cp }));
      }),
      h('div', { class: 'field-error', 'data-error-for': 'binding.columns' }),
      button('Add column', () => { columns.push({ column: '', type: 'VARCHAR' }); rerender(`binding.columns[${columns.length - 1}].column`); }, { id: 'add-column' }),
    ];
  }

  /** The problem's {field, reason} list; a problem without one counts as one problem on the whole document. */
  function problems(error) {
    return error.errors.length ? error.errors : [{ field: '$', reason: error.message }];
  }

  /**
   * Puts each error next to the deepest element whose path is a prefix of the error's field, after
   * clearing the previous ones. Used for submit and for validate-as-you-type alike.
   */
  function markErrors(errors) {
    formHost.querySelectorAll('[aria-invalid]').forEach((el) => el.removeAttribute('aria-invalid'));
    formHost.querySelectorAll('.field-error').forEach((el) => el.replaceChildren());
    return errors.map(({ field: path, reason }) => {
      const found = locate(path);
      const slot = found ? found.slot : null;
      const input = found ? found.input : null;
      if (slot) {
        slot.append(h('span', {}, reason));
        if (input) input.setAttribute('aria-invalid', 'true');
      }
      return { path, reason, slot, input, target: input || (slot && slot.closest('[data-field]')) };
    });
  }

  function showErrors(error) {
    const placed = markErrors(problems(error));
    const items = placed.map(({ path, reason, input, target }) => h('li', {}, target
      ? h('a', { href: '#', onclick: (e) => { e.preventDefault(); (input || target).focus?.(); (input || target).scrollIntoView({ block: 'center' }); } }, h('code', {}, path), ': ', reason)
      : [h('code', {}, path), ': ', reason]));
    summary.replaceChildren(h('div', { class: 'alert alert-error', role: 'alert' },
      h('p', {}, h('strong', {}, `${error.status} ${error.problem.title || 'Error'}`), error.errors.length > 1 ? ` — ${error.errors.length} problems:` : ''),
      h('ul', { id: 'error-list' }, items)));
    setCheck(problemCount(placed), 'error-text');
  }

  // --- validate as you type: a debounced dry run of the create or update, nothing stored.
  function setCheck(text, cls) {
    if (checkStatus.textContent !== text) checkStatus.textContent = text; // no re-announcement of the same words
    checkStatus.className = 'small ' + cls;
  }

  /** "N problems", plus those that have no field in the form to sit next to (e.g. '$'). */
  function problemCount(placed) {
    const loose = placed.filter((p) => !p.slot).map((p) => `${p.path}: ${p.reason}`);
    return (placed.length === 1 ? '1 problem' : `${placed.length} problems`) + (loose.length ? ' — ' + loose.join('; ') : '');
  }

  function cancelCheck() {
    clearTimeout(checkTimer);
    checkTimer = null;
    return ++checkSeq;
  }

  function scheduleCheck() {
    const seq = cancelCheck();
    if (!editing && isBlank(model)) {
      markErrors([]);
      setCheck('', 'muted');
      return;
    }
    checkTimer = setTimeout(() => runCheck(seq), CHECK_DELAY_MS);
  }

  async function runCheck(seq) {
    checkTimer = null;
    if (!formHost.isConnected) return;
    try {
      await api('POST', '/v1/views/validate', JSON.stringify(model));
      if (seq !== checkSeq) return;
      markErrors([]);
      summary.replaceChildren(); // whatever a submit reported is fixed now
      setCheck('Valid', 'ok-text');
    } catch (err) {
      if (seq !== checkSeq) return;
      if (!(err instanceof ApiError)) throw err;
      if (err.status === 0 || err.status === 401 || err.status === 403 || err.status >= 500) {
        setCheck(`Could not check the definition: ${err.status ? err.status + ' ' : ''}${err.message}`, 'warn-text');
        return;
      }
      setCheck(problemCount(markErrors(problems(err))), 'error-text');
    }
  }

  function locate(path) {
    for (let p = path; p; ) {
      const input = formHost.querySelector(`[data-path="${CSS.escape(p)}"]`);
      if (input) return { input, slot: document.getElementById(input.id + '-err') };
      const slot = formHost.querySelector(`[data-error-for="${CSS.escape(p)}"]`);
      if (slot) return { input: null, slot };
      const shorter = p.replace(/(\.[^.[\]]+|\[\d+\])$/, '');
      if (shorter === p) break;
      p = shorter;
    }
    return null;
  }

  const submit = h('button', { type: 'submit', id: 'submit-view' }, editing ? 'Save new revision' : 'Create view');
  const form = h('form', { id: 'view-form', novalidate: true, 'aria-labelledby': 'form-h' }, formHost,
    h('div', { class: 'actions' }, submit, h('a', { href: editing ? '#/views/' + enc(name) : '#/views', class: 'button secondary' }, 'Cancel'), checkStatus));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    cancelCheck(); // the submit's own answer wins over any check still in flight
    submit.disabled = true;
    summary.replaceChildren();
    try {
      const r = editing ? await api('PUT', '/v1/views/' + enc(name), model) : await api('POST', '/v1/views', model);
      const v = r.data;
      setFlash(editing ? `Saved '${v.name}': now at revision ${v.revision}.` : `Created view '${v.name}' (revision ${v.revision}).`);
      navigate('#/views/' + enc(v.name));
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      showErrors(err);
      summary.focus();
    } finally {
      submit.disabled = false;
    }
  });

  renderForm();
  syncJson();
  const nodes = [
    editing ? h('p', { class: 'crumbs' }, h('a', { href: '#/views' }, 'Views'), ' / ', h('a', { href: '#/views/' + enc(name) }, name), ' / edit') : null,
    h('h1', { id: 'form-h' }, editing ? `Edit view ${name}` : 'New view'),
    h('p', { class: 'muted' }, 'The server checks the whole definition as you type (nothing is saved until you submit); every problem it finds is shown next to its field.'),
    summary,
    h('div', { class: 'split', 'data-write': true },
      form,
      h('section', { class: 'json-pane', 'aria-labelledby': 'json-h' },
        h('h2', { id: 'json-h' }, h('label', { for: 'json-view' }, 'Definition JSON')),
        h('p', { id: 'json-help', class: 'muted small' }, 'Edit either side: the form and this document stay in sync.'),
        jsonArea, jsonStatus)),
  ];
  return { nodes, cleanup: cancelCheck };
}
