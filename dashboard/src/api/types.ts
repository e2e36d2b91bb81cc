// The shapes of the backend's answers the dashboard reads (the fields its documents ask for).
// Answers of areas with a model of their own (topology, Istio resources, SLOs, tap) are typed there.

import type { ValidationFinding } from '../istio/model';

export interface Label { key: string; value: string }

/** A cluster of the mesh: this one (local) and the cluster registry's peers, with their network and status. */
export interface Cluster {
  name: string; kubernetesVersion: string | null; nodeCount: number | null; local: boolean;
  network: string | null; status: string; message: string | null;
}

export interface Namespace { name: string; istioRevision?: string | null; sidecarInjection: boolean }

export interface Service { name: string; namespace: string; type: string; ports: string[]; selector: Label[] }

export interface Workload {
  name: string; namespace: string; kind: string; replicas: number; readyReplicas: number; app: string; version: string; labels: Label[];
  /** It runs on virtual machines (kind WorkloadGroup or WorkloadEntry). */
  vm: boolean;
}

/** A VM of a VM workload: an Istio WorkloadEntry. */
export interface WorkloadEntry {
  name: string; hostname: string | null; network: string | null; address: string | null; ports: string[];
  health: 'Healthy' | 'Unhealthy' | 'Unknown'; healthMessage: string | null; lastProbeTime: string | null;
  connectedAt: string | null; controller: string | null; labels: Label[];
}

export interface Pod {
  name: string; status: string; readyContainers: number; containers: number; restarts: number; node: string | null;
  podIP: string | null; sidecar: boolean; containerNames: string[];
}

export interface KubeEvent {
  type: string;
  reason: string;
  message: string;
  count: number;
  lastSeen: string | null;
  source: string;
  objectKind: string;
  objectName: string;
}

export interface InMesh { inMesh: number; total: number }

export interface MeshOverview {
  requestsPerSecond: number | null;
  errorRatio: number | null;
  p95Ms: number | null;
  clusters: number;
  services: InMesh;
  workloads: InMesh;
  pods: InMesh;
  validationIssues: number;
  serviceHealth: { status: string; count: number }[];
  healthEnabled: boolean;
  errors: string[];
}

/** The mesh's recording rules as Prometheus reports them (Mesh page). */
export interface RecordingRules {
  group: string;
  expected: number;
  loaded: number;
  missing: string[];
  failing: { rule: string; error: string }[];
  lastEvaluation: string | null;
  evaluationSeconds: number | null;
  error: string | null;
}

export interface ControlPlane {
  name: string;
  namespace: string;
  revision: string;
  version: string;
  status: string;
  proxies: number;
  proxiesNotReady: number;
  proxyCpuCores: number | null;
  proxyMemoryBytes: number | null;
  outboundTrafficPolicy: string;
  autoMtls: boolean;
}

export interface TimeValue { time: string; value: number | null }

export interface MetricLine { name: string; points: TimeValue[] }

export interface ControlPlaneDetail {
  name: string;
  namespace: string;
  revision: string;
  version: string;
  trustDomain: string;
  rootNamespace: string;
  pods: { name: string; phase: string; ready: boolean; restarts: number; node: string | null; ip: string | null; startTime: string | null }[];
  proxies: { pod: string; namespace: string; istioVersion: string; cds: string; lds: string; eds: string; rds: string }[];
  proxyStatusError: string | null;
  trustBundle: { subject: string; issuer: string; notBefore: string; notAfter: string; sha256: string; ca: boolean }[];
  proxyVersions: MetricLine[];
  rejectedUpdates: MetricLine[];
  errors: string[];
}

export interface SignalPoint {
  time: string;
  requestsPerSecond: number;
  errorRatio: number;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
}

export interface SaturationPoint {
  time: string;
  cpuCores: number | null;
  memoryBytes: number | null;
  proxyCpuCores: number | null;
  proxyMemoryBytes: number | null;
}

export interface GoldenSignals {
  inbound: SignalPoint[];
  outbound: SignalPoint[];
  saturation: SaturationPoint[];
  errors: string[];
}

export interface ValidationReport {
  time: string;
  cluster: string;
  error: string | null;
  errors: number;
  warnings: number;
  findings: ValidationFinding[];
}

export interface SloSummary { total: number; budgetExhausted: number; firing: number; pending: number; failing: number }

export interface SloSeries { burnRates: { window: string; points: TimeValue[] }[]; budgetRemaining: TimeValue[] }
