// The dashboard's typed operations: one function per thing a page reads or changes, each sending one
// document from ./documents and returning the part of the answer the page uses.

import type { IstioResource, IstioTemplate } from '../istio/model';
import type { SliTemplate, Slo } from '../slo/model';
import type { Topology } from '../topology/model';
import type { TraceLookup, TraceSearch } from '../tracing/model';
import type { NodeHealth } from '../topology/health';
import { graphql, graphqlPartial, type PartialResult } from './client';
import * as D from './documents';
import type {
  Cluster, ControlPlane, ControlPlaneDetail, GoldenSignals, KubeEvent, Label, MeshOverview, Namespace, Pod, RecordingRules, Service,
  SloSeries, SloSummary, SignalPoint, ValidationReport, Workload, WorkloadEntry,
} from './types';

const nsList = (namespaces: string[]) => (namespaces.length ? namespaces : null);

export const api = {
  // cluster
  overview: () => graphql<{ clusters: Cluster[]; namespaces: Namespace[] }>(D.OVERVIEW),
  clusters: () => graphql<{ clusters: Cluster[] }>(D.CLUSTERS).then((d) => d.clusters),
  namespaces: () => graphql<{ namespaces: Namespace[] }>(D.NAMESPACES).then((d) => d.namespaces),
  services: (namespaces: string[]) => graphql<{ services: Service[] }>(D.SERVICES, { ns: nsList(namespaces) }).then((d) => d.services),
  workloads: (namespaces: string[]) => graphql<{ workloads: Workload[] }>(D.WORKLOADS, { ns: nsList(namespaces) }).then((d) => d.workloads),
  workloadNames: (namespace: string) =>
    graphql<{ workloads: { name: string }[] }>(D.WORKLOAD_NAMES, { ns: [namespace] }).then((d) => d.workloads.map((w) => w.name)),
  servicesAndWorkloads: (namespace: string) =>
    graphql<{ services: Service[]; workloads: Workload[] }>(D.SERVICES_AND_WORKLOADS, { ns: [namespace] }),
  workloadEntries: (namespace: string, workload: string) =>
    graphql<{ workloadEntries: WorkloadEntry[] }>(D.WORKLOAD_ENTRIES, { ns: namespace, workload }).then((d) => d.workloadEntries),
  pods: (namespace: string, selector: Label[]) => graphql<{ pods: Pod[] }>(D.PODS, { ns: namespace, sel: selector }).then((d) => d.pods),
  podLogs: (namespace: string, pod: string, container: string) =>
    graphql<{ podLogs: string }>(D.POD_LOGS, { ns: namespace, pod, c: container || null }).then((d) => d.podLogs),
  events: (namespace: string, workload?: string, pod?: string) =>
    graphql<{ events: KubeEvent[] }>(D.EVENTS, { ns: namespace, workload: workload ?? null, pod: pod ?? null }).then((d) => d.events),

  // mesh
  meshOverview: () => graphqlPartial<{ meshOverview: MeshOverview }>(D.MESH_OVERVIEW).then((r) => r.data.meshOverview),
  controlPlanes: () => graphql<{ controlPlanes: ControlPlane[] }>(D.CONTROL_PLANES).then((d) => d.controlPlanes),
  recordingRules: () => graphql<{ recordingRules: RecordingRules }>(D.RECORDING_RULES).then((d) => d.recordingRules),
  controlPlane: (namespace: string, name: string) =>
    graphql<{ controlPlane: ControlPlaneDetail | null }>(D.CONTROL_PLANE, { ns: namespace, name }).then((d) => d.controlPlane),
  goldenSignals: (kind: string, namespace?: string, name?: string) =>
    graphqlPartial<{ goldenSignals: GoldenSignals }>(D.GOLDEN_SIGNALS, { kind, ns: namespace ?? null, name: name ?? null })
      .then((r) => r.data.goldenSignals),
  meshTimeline: (range: number, step: number) =>
    graphqlPartial<{ goldenSignals: { errors: string[]; inbound: SignalPoint[] } }>(D.MESH_TIMELINE, { range, step })
      .then((r) => r.data.goldenSignals),
  gatewayTraffic: <A>(gateways: { namespace: string; name: string }[]) => graphql<Record<string, A>>(D.gatewayTraffic(gateways)),
  /** LIVE (no time) with refreshSeconds: the backend keeps the view evaluated for the next ask, which is answered at once. */
  topology: (namespaces: string[], time: string, groupBy: string, refreshSeconds?: number): Promise<PartialResult<{ topology: Topology }>> =>
    graphqlPartial<{ topology: Topology }>(D.TOPOLOGY, { namespaces: nsList(namespaces), time: time || null, window: 60, groupBy,
      refresh: time ? null : refreshSeconds ?? null }),
  /** Health timelines of the namespaces' services and workloads (30 minutes in 1-minute steps unless said otherwise). */
  health: (namespaces: string[], end?: string, rangeSeconds = 1800, stepSeconds = 60) =>
    graphqlPartial<{ health: NodeHealth[] }>(D.HEALTH, { namespaces: nsList(namespaces), end: end ?? null, range: rangeSeconds, step: stepSeconds }),
  generateLoad: (input: Record<string, unknown>) =>
    graphql<{ generateLoad: { pod: string; until: string } }>(D.GENERATE_LOAD, { input }).then((d) => d.generateLoad),

  // istio
  istioResources: (namespace: string | null, kind: string | null) =>
    graphql<{ istioResources: IstioResource[] }>(D.ISTIO_RESOURCES, { namespace, kind }).then((d) => d.istioResources),
  gatewayResources: <R>() => graphql<{ istioResources: R[] }>(D.GATEWAY_RESOURCES).then((d) => d.istioResources),
  templates: () => graphql<{ istioTemplates: IstioTemplate[] }>(D.TEMPLATES).then((d) => d.istioTemplates),
  render: (id: string, parameters: Label[]) =>
    graphql<{ renderIstioTemplate: string }>(D.RENDER, { id, parameters }).then((d) => d.renderIstioTemplate),
  validate: <V>(yaml: string) => graphql<{ validateIstioResource: V }>(D.VALIDATE, { yaml }).then((d) => d.validateIstioResource),
  apply: <A>(yaml: string, force: boolean) => graphql<{ applyIstioResource: A }>(D.APPLY, { yaml, force }).then((d) => d.applyIstioResource),
  deleteResource: (r: { kind: string; namespace: string; name: string }) =>
    graphql<{ deleteIstioResource: boolean }>(D.DELETE, { kind: r.kind, namespace: r.namespace, name: r.name }),
  validation: () => graphql<{ validationIssues: ValidationReport }>(D.VALIDATION).then((d) => d.validationIssues),
  createEntryPoint: <R>(input: Record<string, unknown>) =>
    graphql<{ createGatewayEntryPoint: R }>(D.ENTRY_POINT, { input }).then((d) => d.createGatewayEntryPoint),

  // slo
  slos: (namespace: string, service: string) => graphql<{ slos: Slo[]; sliTemplates: SliTemplate[] }>(D.SLOS, { ns: namespace, service }),
  sloSummary: () => graphql<{ sloSummary: SloSummary }>(D.SLO_SUMMARY).then((d) => d.sloSummary),
  sloSeries: (namespace: string, name: string) => graphql<{ sloSeries: SloSeries }>(D.SLO_SERIES, { ns: namespace, name }).then((d) => d.sloSeries),
  createSlo: (input: Record<string, unknown>) => graphql(D.CREATE_SLO, { input }),
  createPolicy: (input: Record<string, unknown>) => graphql(D.CREATE_POLICY, { input }),

  // tracing
  /** A service's (or one workload's) slowest traces of the last rangeSeconds. */
  traces: (q: { namespace: string; service: string; workload?: string; rangeSeconds: number; minDurationMs: number; errorsOnly: boolean }) =>
    graphql<{ traces: TraceSearch }>(D.TRACES, { ns: q.namespace, service: q.service, workload: q.workload ?? null, range: q.rangeSeconds,
      minMs: q.minDurationMs, errors: q.errorsOnly, limit: 20 }).then((d) => d.traces),
  trace: (id: string) => graphql<{ trace: TraceLookup }>(D.TRACE, { id }).then((d) => d.trace),
  /** A one-time link into a proxied tool (Grafana, the tracing UI) on the backend's tools port. */
  openTool: (path: string) => graphql<{ openTool: { port: number; path: string } }>(D.OPEN_TOOL, { path }).then((d) => d.openTool),
  /** The trace of the request a tap entry shows, by its x-request-id. */
  traceByRequestId: (namespace: string, requestId: string) =>
    graphql<{ traceByRequestId: TraceLookup }>(D.TRACE_BY_REQUEST, { ns: namespace, rid: requestId }).then((d) => d.traceByRequestId),
};
