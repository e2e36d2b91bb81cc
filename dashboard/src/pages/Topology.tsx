import cytoscape from 'cytoscape';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Choice } from '../components/Choice';
import { GenerateLoad } from '../components/GenerateLoad';
import { HealthChart } from '../components/HealthChart';
import { TracesSection } from '../components/TracesSection';
import { NamespacePicker } from '../components/NamespacePicker';
import { Empty, ErrorState, Loading } from '../components/States';
import { api, useApi } from '../api';
import { needsLayout, placeNear } from '../topology/placement';
import {
  EDGE_LABELS,
  GROUPINGS,
  HEALTH_COLORS,
  asOf,
  collapseNamespaces,
  collapsedByDefault,
  findNodes,
  groupingOf,
  elements,
  healthWindowEnd,
  formatBytes,
  telemetryNote,
  type EdgeLabel,
  type Topology as TopologyData,
  type TopologyNode,
} from '../topology/model';
import { hashFor, listParam, type Params } from '../urlState';

/** The graph and what is missing from it: the parts the backend names, else the GraphQL errors it sent. */
async function readTopology(namespaces: string[], time: string, groupBy: string, refreshSeconds: number) {
  const { data, errors } = await api.topology(namespaces, time, groupBy, refreshSeconds);
  return { topology: data.topology, warnings: data.topology.errors.length ? data.topology.errors : errors.map((e) => e.message) };
}

/** LIVE refresh intervals a user can pick (Kiali offers the same kind of choice); 15 s by default. */
const REFRESH_SECONDS = [5, 15, 30, 60];

/** Minutes back from now for a TIMELINE instant, whole minutes as the slider moves. */
function instantMinutesAgo(minutes: number): string {
  const t = new Date(Date.now() - minutes * 60_000);
  t.setSeconds(0, 0);
  return t.toISOString().replace('.000Z', 'Z');
}

export function Topology({ params, setParams }: { params: Params; setParams: (p: Params) => void }) {
  const namespaces = listParam(params.ns);
  const mode = (EDGE_LABELS.some((l) => l.id === params.label) ? params.label : 'rate') as EdgeLabel;
  const time = params.time || '';
  const groupBy = groupingOf(params.group);
  const boxes = params.boxes === 'namespace';
  const [relayout, setRelayout] = useState(0);
  const [loadForm, setLoadForm] = useState(false);
  const refreshSeconds = REFRESH_SECONDS.includes(Number(params.refresh)) ? Number(params.refresh) : 15;
  const update = (p: Partial<Params>) => setParams({ ...params, ...p } as Params);

  // LIVE re-reads every refreshSeconds; a TIMELINE instant does not change. The graph shown stays
  // until the next one arrives, so nodes keep their places.
  const [state, , refresh] = useApi(() => readTopology(namespaces, time, groupBy, refreshSeconds), [params.ns, time, groupBy, refreshSeconds],
    { refreshMs: time ? undefined : refreshSeconds * 1000, keepWhileLoading: true });
  const load = state.status === 'ok' ? { status: 'ok' as const, ...state.data } : state;

  // Large graphs open with namespaces collapsed (collapse= '' automatic, 'none', 'all'); expand= lists the opened ones.
  const expanded = useMemo(() => new Set(listParam(params.expand)), [params.expand]);
  const full = load.status === 'ok' ? load.topology : null;
  const collapsed = !!full && (groupBy === 'WORKLOAD' || groupBy === 'APP')
    && (params.collapse === 'all' || (params.collapse !== 'none' && collapsedByDefault(full)));
  const shown = useMemo(() => (full && collapsed ? collapseNamespaces(full, expanded) : full), [full, collapsed, expanded]);
  const [search, setSearch] = useState('');
  const [focus, setFocus] = useState(0);
  const matches = useMemo(() => (full ? findNodes(full, search) : []), [full, search]);
  // A click on a collapsed namespace opens it; on anything else selects it.
  const onSelect = (id: string) => {
    const picked = shown?.nodes.find((n) => n.id === id);
    if (picked?.members !== undefined) update({ expand: [...expanded, picked.namespace].join(',') });
    else update({ node: id });
  };
  const find = () => {
    const hit = matches[0];
    if (!hit) return;
    const opened = collapsed && hit.namespace && !expanded.has(hit.namespace) ? [...expanded, hit.namespace].join(',') : params.expand || '';
    update({ node: hit.id, expand: opened });
    setFocus((f) => f + 1);
  };

  const minutesAgo = time ? Math.max(1, Math.round((Date.now() - new Date(time).getTime()) / 60_000)) : 0;
  return (
    <div className="topology-page">
      <div className="toolbar">
        <NamespacePicker selected={namespaces} onChange={(ns) => update({ ns: ns.join(','), node: '' })} />
        <Choice label="Edge labels" value={mode} options={EDGE_LABELS} onChange={(id) => update({ label: id })} testId="edge-label" />
        <Choice label="Nodes" value={groupBy} options={GROUPINGS} testId="group-by"
          onChange={(id) => update({ group: id === 'WORKLOAD' ? '' : id.toLowerCase(), node: '' })} />
        <label>
          <input type="checkbox" checked={boxes} onChange={(e) => update({ boxes: e.target.checked ? 'namespace' : '' })} /> namespace boxes
        </label>
        <form className="node-search" role="search" onSubmit={(e) => { e.preventDefault(); find(); }}>
          <input type="search" placeholder="Find a node" value={search} onChange={(e) => setSearch(e.target.value)} list="topology-node-names"
            aria-label="Find a node" data-testid="node-search" />
          <datalist id="topology-node-names">
            {matches.map((n) => <option key={n.id} value={n.name}>{n.namespace}</option>)}
          </datalist>
          {search && !matches.length && <span className="muted" data-testid="node-search-none"> no such node</span>}
        </form>
        <button type="button" onClick={() => setLoadForm(!loadForm)} data-testid="load-open" title="Generate test load">
          HTTP
        </button>
        <button type="button" onClick={() => setRelayout((r) => r + 1)} data-testid="relayout" title="Lay the graph out again">
          Re-layout
        </button>
        {!time && (
          <Choice label="Refresh" value={refreshSeconds} testId="refresh" onChange={(id) => update({ refresh: id === '15' ? '' : id })}
            options={REFRESH_SECONDS.map((r) => ({ id: r, label: `every ${r < 60 ? `${r}s` : `${r / 60}m`}` }))} />
        )}
        <div className="timemode" role="group" aria-label="Time">
          <button type="button" className={time ? '' : 'on'} onClick={() => update({ time: '' })} data-testid="live">
            LIVE
          </button>
          <button type="button" className={time ? 'on' : ''} onClick={() => update({ time: instantMinutesAgo(Math.max(minutesAgo, 5)) })} data-testid="timeline">
            TIMELINE
          </button>
          {time && (
            <label className="timeline-slider">
              <input
                type="range"
                min={1}
                max={60}
                step={1}
                value={Math.min(60, minutesAgo)}
                onChange={(e) => update({ time: instantMinutesAgo(Number(e.target.value)) })}
                aria-label="Minutes ago"
              />
              {minutesAgo} min ago ({new Date(time).toLocaleTimeString()})
            </label>
          )}
        </div>
      </div>
      {loadForm && <GenerateLoad namespaces={namespaces} onClose={() => setLoadForm(false)} />}
      {load.status === 'loading' && <Loading what="the topology" />}
      {load.status === 'error' && <ErrorState message={load.message} onRetry={refresh} />}
      {load.status === 'ok' && (
        <>
          {load.warnings.length > 0 && (
            <div className="banner" role="alert" data-testid="topology-warning">
              Part of the topology is missing: {load.warnings.join('; ')}
            </div>
          )}
          {(load.topology.staleClusters ?? []).length > 0 && (
            <div className="banner" role="alert" data-testid="topology-stale">
              Not reachable now (cluster registry): {(load.topology.staleClusters ?? []).join(', ')}. Their nodes, drawn faded, show the
              last traffic seen; see the Mesh page for why.
            </div>
          )}
          {collapsed && (
            <div className="banner banner-info" data-testid="collapsed-note">
              {load.topology.nodes.length} nodes: each namespace is drawn as one node. Click one to open it, find a node by name, or{' '}
              <button type="button" className="link" onClick={() => update({ collapse: 'none', expand: '' })} data-testid="show-all-nodes">
                show every node
              </button>.
            </div>
          )}
          {!collapsed && params.collapse === 'none' && (
            <button type="button" className="link" onClick={() => update({ collapse: 'all', expand: '' })} data-testid="collapse-namespaces">
              Collapse namespaces
            </button>
          )}
          {load.topology.nodes.length === 0 || !shown ? (
            <Empty>No workloads or traffic in {namespaces.length ? namespaces.join(', ') : 'any namespace'} {time ? 'at that time' : 'right now'}.</Empty>
          ) : (
            <TopologyView topology={shown} live={!time} mode={mode} boxes={boxes} selected={params.node || ''} onSelect={onSelect} namespaces={namespaces}
              relayout={relayout} focus={focus} />
          )}
        </>
      )}
    </div>
  );
}

const STYLE: cytoscape.StylesheetJson = [
  {
    selector: 'node',
    style: {
      'background-color': 'data(color)',
      label: 'data(label)',
      'font-size': 11,
      'text-valign': 'bottom',
      'text-margin-y': 4,
      // Names stay legible where an edge or its label passes under them (nodes draw above edges).
      'text-background-color': '#ffffff',
      'text-background-opacity': 0.85,
      'text-background-padding': '1px',
      width: 34,
      height: 34,
      'border-width': 2,
      'border-color': '#ffffff',
      // Text too small to read is not drawn: a whole large mesh fitted on screen draws shapes only.
      'min-zoomed-font-size': 7,
    },
  },
  { selector: 'node[kind = "service"]', style: { shape: 'triangle' } },
  { selector: 'node[kind = "app"]', style: { shape: 'round-rectangle' } },
  {
    selector: 'node[kind = "box"]',
    style: { 'background-color': '#eef2f7', 'background-opacity': 0.6, 'border-color': '#9aa8b8', 'border-width': 1, 'text-valign': 'top', 'font-weight': 'bold', shape: 'round-rectangle' },
  },
  { selector: 'node[kind = "external"], node[kind = "unknown"]', style: { shape: 'diamond' } },
  { selector: 'node[kind = "gateway"]', style: { shape: 'vee' } },
  { selector: 'node[kind = "vm"]', style: { shape: 'rectangle' } },
  { selector: 'node[kind = "namespace"]', style: { shape: 'round-hexagon', width: 48, height: 48 } },
  { selector: 'node[kind = "cluster"]', style: { shape: 'round-octagon', width: 56, height: 56 } },
  { selector: 'node[?idle]', style: { 'border-style': 'dashed', 'border-color': '#7b8a9c' } },
  { selector: 'node[?stale]', style: { opacity: 0.45 } },
  { selector: 'node:selected', style: { 'border-color': '#14213d', 'border-width': 4 } },
  {
    selector: 'edge',
    style: {
      width: 2,
      'line-color': 'data(color)',
      'target-arrow-color': 'data(color)',
      'target-arrow-shape': 'triangle',
      'curve-style': 'bezier',
      label: 'data(label)',
      'font-size': 9,
      'text-rotation': 'autorotate',
      'text-background-color': '#f4f6f9',
      'text-background-opacity': 1,
      'min-zoomed-font-size': 7,
    },
  },
  { selector: 'edge[protocol = "tcp"]', style: { 'line-style': 'dashed' } },
  // Thousands of curves cost seconds to draw; straight lines are a fraction of that.
  { selector: 'edge.straight', style: { 'curve-style': 'straight' } },
];

/** Above this many edges they are drawn straight. */
const STRAIGHT_EDGES_ABOVE = 1000;

function TopologyView({ topology, live, mode, boxes, selected, onSelect, namespaces, relayout, focus }: {
  topology: TopologyData;
  live: boolean;
  mode: EdgeLabel;
  boxes: boolean;
  selected: string;
  onSelect: (id: string) => void;
  namespaces: string[];
  /** Changes when the user asks for a new layout. */
  relayout: number;
  /** Changes when the user found a node: the view centres on the selected one. */
  focus: number;
}) {
  const container = useRef<HTMLDivElement>(null);
  const cy = useRef<cytoscape.Core | null>(null);
  const [positions, setPositions] = useState('[]');
  const [applied, setApplied] = useState({ updates: 0, layouts: 0, renderMs: 0 });
  const els = useMemo(() => elements(topology, mode, boxes), [topology, mode, boxes]);
  const shownBoxes = useRef<boolean | null>(null);
  // Thousands of rows are only built when someone opens the table.
  const [tableOpen, setTableOpen] = useState(false);
  const select = useRef(onSelect);
  select.current = onSelect;

  const recordPositions = useCallback(() => {
    if (!cy.current) return;
    // Rendered positions in the DOM (what the canvas shows, readable by tests and assistive tools),
    // with the model positions (mx, my) that pan and zoom do not change, and the rendered width.
    setPositions(JSON.stringify(cy.current.nodes('[kind != "box"]').map((n) => ({
      id: n.id(), status: n.data('status'), ...n.renderedPosition(), mx: n.position('x'), my: n.position('y'), w: n.renderedWidth(),
    }))));
  }, []);

  const layout = useCallback(() => {
    const c = cy.current;
    if (!c) return;
    c.layout({ name: 'breadthfirst', directed: true, spacingFactor: 1.5, padding: 24, animate: false }).run();
    c.fit(undefined, 24);
    setApplied((a) => ({ ...a, layouts: a.layouts + 1 }));
    recordPositions();
  }, [recordPositions]);

  useEffect(() => {
    if (!container.current) return;
    const instance = cytoscape({ container: container.current, style: STYLE, wheelSensitivity: 0.3, minZoom: 0.2, maxZoom: 3 });
    instance.on('tap', 'node[kind != "box"]', (e) => select.current(e.target.id()));
    instance.on('tap', (e) => {
      if (e.target === instance) select.current('');
    });
    // Once the view rests: a pan fires dozens of events, and each record serialises every node.
    let resting: ReturnType<typeof setTimeout> | undefined;
    instance.on('pan zoom dragfree', () => {
      clearTimeout(resting);
      resting = setTimeout(recordPositions, 100);
    });
    cy.current = instance;
    // The side panel takes width from the graph: follow the container's size.
    const resized = new ResizeObserver(() => {
      instance.resize();
      instance.fit(undefined, 24);
      recordPositions();
    });
    resized.observe(container.current);
    return () => {
      clearTimeout(resting);
      resized.disconnect();
      instance.destroy();
      cy.current = null;
    };
  }, [recordPositions]);

  // A refresh updates the elements in place: nodes the user sees keep their positions (and any
  // dragging), new nodes go next to their neighbours, and only a change of shape lays it out again.
  useEffect(() => {
    const c = cy.current;
    if (!c) return;
    // How long applying a graph takes until the next frame is drawn (shown as data-render-ms, for the benchmark).
    const started = performance.now();
    const drawn = () => requestAnimationFrame(() => setApplied((a) => ({ ...a, renderMs: Math.round(performance.now() - started) })));
    const boxesChanged = shownBoxes.current !== null && shownBoxes.current !== boxes;
    if (boxesChanged) c.elements().remove(); // compound parents change: rebuild
    const before = c.nodes('[kind != "box"]').length;
    const incoming = new Set(els.map((e) => e.data.id as string));
    let added = c.collection();
    c.batch(() => {
      c.elements().filter((e) => !incoming.has(e.id())).remove();
      const fresh: cytoscape.ElementDefinition[] = [];
      els.forEach((el) => {
        const current = c.getElementById(el.data.id as string);
        if (current.nonempty()) current.data(el.data);
        else fresh.push(el as cytoscape.ElementDefinition);
      });
      added = c.add(fresh); // at once: adding one by one to a growing collection is quadratic in a large graph
      c.edges().classes(c.edges().length > STRAIGHT_EDGES_ABOVE ? 'straight' : '');
    });
    const newNodes = added.nodes('[kind != "box"]');
    shownBoxes.current = boxes;
    setApplied((a) => ({ ...a, updates: a.updates + 1 }));
    if (needsLayout(before, newNodes.length, boxesChanged)) {
      layout();
      drawn();
      return;
    }
    const placed = c.nodes('[kind != "box"]').not(newNodes).nodes().map((n) => ({ ...n.position() }));
    newNodes.forEach((n) => {
      const spot = placeNear(n.neighborhood('node').not(newNodes).nodes().map((m) => ({ ...m.position() })), placed);
      n.position(spot);
      placed.push(spot);
    });
    recordPositions();
    drawn();
  }, [els, boxes, layout, recordPositions]);

  useEffect(() => {
    if (relayout > 0) layout();
  }, [relayout, layout]);

  useEffect(() => {
    const c = cy.current;
    if (!c) return;
    c.nodes().unselect();
    if (selected) c.getElementById(selected).select();
  }, [selected, els]);

  // Once per search: later refreshes leave the view where the user moves it.
  const centred = useRef(0);
  useEffect(() => {
    const c = cy.current;
    const found = c && selected ? c.getElementById(selected) : null;
    if (!c || !found || found.empty() || focus === centred.current) return;
    centred.current = focus;
    c.zoom(Math.max(c.zoom(), 1.2));
    c.center(found);
    recordPositions();
  }, [focus, selected, els, recordPositions]);

  const node = topology.nodes.find((n) => n.id === selected);
  return (
    <div className="topology">
      <div className="graph-wrap">
        <div className="graph" ref={container} data-testid="topology-graph" data-node-count={topology.nodes.length} data-nodes={positions}
          data-updates={applied.updates} data-layouts={applied.layouts} data-render-ms={applied.renderMs} />
        <Legend topology={topology} live={live} />
      </div>
      {node && <NodePanel key={node.id} node={node} topology={topology} namespaces={namespaces} onClose={() => onSelect('')} />}
      <details className="graph-table" onToggle={(e) => setTableOpen((e.target as HTMLDetailsElement).open)}>
        <summary>Nodes and edges as a table ({topology.edges.length} edges)</summary>
        <table className="table" data-testid="topology-table">
          <thead>
            <tr><th>From</th><th>To</th><th>Protocol</th><th>Rate</th><th>Errors</th><th>P95</th><th>mTLS</th></tr>
          </thead>
          <tbody>
            {tableOpen && topology.edges.map((e) => (
              <tr key={`${e.source}>${e.target}>${e.protocol}`}>
                <td>{e.source}</td><td>{e.target}</td><td>{e.protocol}</td>
                <td>{e.protocol === 'tcp' ? formatBytes(e.tcpSentBytesPerSecond + e.tcpReceivedBytesPerSecond) : `${e.requestsPerSecond.toFixed(2)} rps`}</td>
                <td>{(e.errorRatio * 100).toFixed(1)}%</td>
                <td>{e.p95Ms === null ? '–' : `${e.p95Ms.toFixed(0)} ms`}</td>
                <td>{e.mtls === null ? '–' : `${(e.mtls * 100).toFixed(0)}%`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </div>
  );
}

function Legend({ topology, live }: { topology: TopologyData; live: boolean }) {
  const source = telemetryNote(topology);
  const evaluated = asOf(topology.time, Date.now());
  return (
    <div className="legend" data-testid="topology-legend">
      {live && <span data-testid="topology-as-of" data-late={evaluated.late} className={evaluated.late ? 'late' : undefined}
        title="When this graph was evaluated: LIVE views are kept evaluated in the background between refreshes">{evaluated.label}</span>}
      <span data-testid="telemetry-source" title={source.detail}>{source.label}</span>
      {(['HEALTHY', 'DEGRADED', 'FAILURE', 'NO_TRAFFIC'] as const).map((s) => (
        <span key={s}><i style={{ background: HEALTH_COLORS[s] }} /> {s.replace('_', ' ').toLowerCase()}</span>
      ))}
      <span><i className="idle" /> idle</span>
      <span>● workload ⋎ gateway ■ VM ▢ app ▲ service ◆ external/unknown ⬡ namespace ⯃ cluster; dashed edge = TCP</span>
    </div>
  );
}

function NodePanel({ node, topology, namespaces, onClose }: { node: TopologyNode; topology: TopologyData; namespaces: string[]; onClose: () => void }) {
  // Asked again once per health step (a minute), not at every refresh of the graph; the chart stays while it is (the
  // panel is keyed by node, so another node starts empty).
  const healthEnd = healthWindowEnd(topology.time);
  const [health] = useApi(() => api.health(node.namespace ? [node.namespace] : namespaces, healthEnd)
    .then(({ data }) => data.health.find((h) => h.id === node.id)), [node.id, node.namespace, healthEnd, namespaces],
  { keepWhileLoading: true });
  const inbound = topology.edges.filter((e) => e.target === node.id);
  const outbound = topology.edges.filter((e) => e.source === node.id);
  const rps = (edges: typeof inbound) => edges.reduce((s, e) => s + e.requestsPerSecond, 0);
  return (
    <aside className="node-panel" data-testid="node-panel" aria-label={`Details of ${node.name}`}>
      <header>
        <h2>{node.name}</h2>
        <button type="button" onClick={onClose} aria-label="Close">×</button>
      </header>
      <dl>
        <dt>Type</dt><dd>{node.type.toLowerCase()}{node.idle ? ' (idle)' : ''}</dd>
        {node.namespace && (<><dt>Namespace</dt><dd>{node.namespace}</dd></>)}
        <dt>Cluster</dt><dd>{node.cluster}</dd>
        {node.app && (<><dt>App / version</dt><dd>{node.app} {node.version}</dd></>)}
        <dt>Health</dt>
        <dd data-testid="node-health">{node.health ? `${node.health.status.toLowerCase()} (${node.health.score.toFixed(2)})` : 'unknown'}{node.health?.reasons.length ? `: ${node.health.reasons.join(', ')}` : ''}</dd>
        <dt>Inbound</dt><dd>{rps(inbound).toFixed(2)} rps from {inbound.length} edge(s)</dd>
        <dt>Outbound</dt><dd>{rps(outbound).toFixed(2)} rps to {outbound.length} edge(s)</dd>
      </dl>
      <h3>HEALTH</h3>
      {health.status === 'loading' && <Loading what="health" />}
      {health.status === 'error' && <ErrorState message={health.message} />}
      {health.status === 'ok' && (health.data ? <HealthChart timeline={health.data.timeline} title="last 30 minutes" /> : <Empty>No health data for this node.</Empty>)}
      {(node.type === 'SERVICE' || node.type === 'WORKLOAD') && node.namespace && (
        <>
          <h3>TRACES</h3>
          <TracesSection namespace={node.namespace} service={node.app || node.name}
            workload={node.type === 'WORKLOAD' ? node.name : undefined} />
        </>
      )}
      {node.type === 'SERVICE' && node.namespace && (
        <a href={hashFor('services', { ns: node.namespace, service: node.name })}>Service details →</a>
      )}
      {(node.type === 'WORKLOAD' || node.type === 'GATEWAY' || node.type === 'VM') && (
        <a href={hashFor('workloads', { ns: node.namespace, workload: node.name })}>Workload details →</a>
      )}
    </aside>
  );
}
