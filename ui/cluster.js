// Cluster: the nodes sharing the metadata DB, who runs each shard and WAL partition, every 2 s.
// Every value reaches the page through h() (text nodes): node names and addresses come from other processes.
import { get } from './api.js';
import { h, badge, alertBox, fmtTime } from './dom.js';

function fmtAge(ms) {
  return ms < 1000 ? ms + ' ms ago' : (ms / 1000).toFixed(ms < 10000 ? 1 : 0) + ' s ago';
}

function fmtLag(ms) {
  if (ms === null || ms === undefined) return '—';
  return ms < 1000 ? ms + ' ms' : (ms / 1000).toFixed(ms < 10000 ? 1 : 0) + ' s';
}

function list(values) {
  if (values === null || values === undefined) return h('span', { class: 'muted' }, 'not published (older version)');
  return values.length ? values.join(', ') : '—';
}

function owners(p) {
  if (p.orphaned) return badge('no live node', 'inactive');
  if (p.owners.length === 0) return h('span', { class: 'muted' }, 'unknown');
  return p.owners.length === 1 ? p.owners[0] : p.owners.join(' and ') + ' (handover)';
}

function nodesTable(status) {
  return h('div', { class: 'table-wrap' }, h('table', { id: 'cluster-nodes' },
    h('caption', {}, 'Nodes registered in the metadata DB'),
    h('thead', {}, h('tr', {}, ['Node', 'State', 'Address', 'Storage, WAL', 'Last heartbeat', 'Started', 'Shards', 'WAL partitions']
      .map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, status.nodes.map((n) => h('tr', { 'data-node': n.name, 'data-alive': String(n.alive), class: n.self ? 'row-self' : null },
      h('th', { scope: 'row' }, n.name, n.self ? [' ', badge('this node', 'idle')] : null),
      h('td', { class: 'node-state' }, badge(n.alive ? 'alive' : 'dead', n.alive ? 'active' : 'inactive')),
      h('td', {}, n.address ? h('code', {}, n.address) : '—'),
      h('td', {}, `${n.storage}, ${n.wal}`),
      h('td', {}, h('time', { datetime: n.lastHeartbeat }, fmtAge(n.heartbeatAgeMs)), h('div', { class: 'muted small' }, fmtTime(n.lastHeartbeat))),
      h('td', {}, fmtTime(n.startedAt)),
      h('td', {}, list(n.shards)),
      h('td', {}, list(n.partitions)))))));
}

function shardsTable(status) {
  if (status.shards.length === 0) return h('p', {}, 'No source group is configured: no shard is captured.');
  return h('div', { class: 'table-wrap' }, h('table', { id: 'cluster-shards' },
    h('caption', {}, 'The node running each shard\'s capture engine'),
    h('thead', {}, h('tr', {}, ['Shard', 'Runs on'].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, status.shards.map((s) => h('tr', { 'data-shard': s.shard, class: s.orphaned ? 'row-orphan' : null },
      h('th', { scope: 'row' }, s.shard), h('td', { class: 'shard-owner' }, owners(s)))))));
}

function partitionsTable(status) {
  if (status.partitions.length === 0) {
    return h('p', { id: 'no-partitions' }, status.walConsumer ? 'No node applies a WAL partition yet.'
      : 'No WAL partitions: this node applies what it captures in process (wal: none).');
  }
  return h('div', { class: 'table-wrap' }, h('table', { id: 'cluster-partitions' },
    h('caption', {}, 'The node applying each WAL partition'),
    h('thead', {}, h('tr', {}, ['Partition', 'Applied by'].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, status.partitions.map((p) => h('tr', { class: p.orphaned ? 'row-orphan' : null },
      h('th', { scope: 'row' }, String(p.partition)), h('td', {}, owners(p)))))));
}

export async function clusterPage() {
  const summary = h('p', { id: 'cluster-summary', class: 'muted' }, 'Loading…');
  const errorHost = h('div', { 'aria-live': 'polite' });
  const orphanHost = h('div', { 'aria-live': 'polite' });
  const nodesHost = h('div', { id: 'nodes' });
  const shardsHost = h('div', { id: 'shards' });
  const partitionsHost = h('div', { id: 'partitions' });
  let stopped = false;

  async function refresh() {
    try {
      const status = await get('/v1/cluster');
      if (stopped) return;
      errorHost.replaceChildren();
      const alive = status.nodes.filter((n) => n.alive).length;
      const c = status.walConsumer;
      const lag = c ? ` · this node's WAL consumer: ${c.applied} applied, ${c.lagRecords ?? '?'} behind, lag ${fmtLag(c.lagMs)}${c.lastError ? ' · error: ' + c.lastError : ''}` : '';
      summary.textContent = `${alive} of ${status.nodes.length} node(s) alive · answered by ${status.self}${lag} · refreshed ${new Date().toLocaleTimeString()}`;
      const orphans = status.shards.filter((s) => s.orphaned).map((s) => s.shard);
      orphanHost.replaceChildren(orphans.length
        ? alertBox(`No live node runs ${orphans.join(', ')}: their changes are not captured until Kafka gives them to a node.`, 'warn') : '');
      nodesHost.replaceChildren(nodesTable(status));
      shardsHost.replaceChildren(shardsTable(status));
      partitionsHost.replaceChildren(partitionsTable(status));
    } catch (e) {
      if (!stopped) errorHost.replaceChildren(alertBox(`Could not read the cluster: ${e.message}`));
    }
  }

  await refresh();
  const timer = setInterval(refresh, 2000);
  return {
    nodes: [
      h('h1', {}, 'Cluster'),
      summary,
      errorHost,
      orphanHost,
      h('section', { 'aria-labelledby': 'nodes-h' }, h('h2', { id: 'nodes-h' }, 'Nodes'),
        h('p', { class: 'muted small' }, 'A node is alive while its heartbeat is at most cluster.nodeTimeout old; a node that did not stop cleanly stays listed, dead.'),
        nodesHost),
      h('section', { 'aria-labelledby': 'cluster-shards-h' }, h('h2', { id: 'cluster-shards-h' }, 'Shards'), shardsHost),
      h('section', { 'aria-labelledby': 'partitions-h' }, h('h2', { id: 'partitions-h' }, 'WAL partitions'), partitionsHost),
    ],
    cleanup: () => {
      stopped = true;
      clearInterval(timer);
    },
  };
}
