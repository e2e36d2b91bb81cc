import tapSubscription from '../../../backend/src/main/resources/graphql/operations/tap.graphql?raw';

// Every GraphQL document the dashboard sends, by schema area (backend/src/main/resources/graphql/<area>.graphqls).
// The backend's GraphQLDocumentsTest validates each against the schema, so a renamed field fails the build, not a page.

// --- cluster ---------------------------------------------------------------------------------------

export const OVERVIEW = `query Overview {
  clusters { name kubernetesVersion nodeCount }
  namespaces { name istioRevision sidecarInjection }
}`;

export const CLUSTERS = `query Clusters { clusters { name kubernetesVersion nodeCount local network status message } }`;

export const NAMESPACES = `query Namespaces { namespaces { name sidecarInjection } }`;

const SERVICE_FIELDS = 'name namespace type ports selector { key value }';
const WORKLOAD_FIELDS = 'name namespace kind replicas readyReplicas app version vm labels { key value }';

export const SERVICES = `query Services($ns: [String!]) { services(namespaces: $ns) { ${SERVICE_FIELDS} } }`;

export const WORKLOADS = `query Workloads($ns: [String!]) { workloads(namespaces: $ns) { ${WORKLOAD_FIELDS} } }`;

export const WORKLOAD_NAMES = `query WorkloadNames($ns: [String!]) { workloads(namespaces: $ns) { name } }`;

export const SERVICES_AND_WORKLOADS = `query ServicesAndWorkloads($ns: [String!]) {
  services(namespaces: $ns) { ${SERVICE_FIELDS} } workloads(namespaces: $ns) { ${WORKLOAD_FIELDS} }
}`;

export const WORKLOAD_ENTRIES = `query WorkloadEntries($ns: String!, $workload: String!) {
  workloadEntries(namespace: $ns, workload: $workload) {
    name hostname network address ports health healthMessage lastProbeTime connectedAt controller labels { key value } } }`;
export const PODS = `query Pods($ns: String!, $sel: [LabelInput!]!) {
  pods(namespace: $ns, selector: $sel) { name status readyContainers containers restarts node podIP sidecar containerNames }
}`;

export const POD_LOGS = `query Logs($ns: String!, $pod: String!, $c: String) { podLogs(namespace: $ns, pod: $pod, container: $c, tailLines: 200) }`;

export const EVENTS = `query Events($ns: String!, $workload: String, $pod: String) {
  events(namespace: $ns, workload: $workload, pod: $pod, limit: 50) { type reason message count lastSeen source objectKind objectName }
}`;

// --- mesh ------------------------------------------------------------------------------------------

export const MESH_OVERVIEW = `query MeshOverview { meshOverview {
  requestsPerSecond errorRatio p95Ms clusters validationIssues errors
  services { inMesh total } workloads { inMesh total } pods { inMesh total } serviceHealth { status count } healthEnabled } }`;

export const CONTROL_PLANES = `query ControlPlanes {
  controlPlanes { name namespace revision version status proxies proxiesNotReady proxyCpuCores proxyMemoryBytes outboundTrafficPolicy autoMtls }
}`;

export const RECORDING_RULES = `query RecordingRules { recordingRules {
  group expected loaded missing failing { rule error } lastEvaluation evaluationSeconds error } }`;

export const CONTROL_PLANE = `query ControlPlane($ns: String!, $name: String!) { controlPlane(namespace: $ns, name: $name) {
  name namespace revision version trustDomain rootNamespace proxyStatusError errors
  pods { name phase ready restarts node ip startTime }
  proxies { pod namespace istioVersion cds lds eds rds }
  trustBundle { subject issuer notBefore notAfter sha256 ca }
  proxyVersions { name points { time value } } rejectedUpdates { name points { time value } }
} }`;

export const GOLDEN_SIGNALS = `query Signals($kind: SignalScope!, $ns: String, $name: String) {
  goldenSignals(kind: $kind, namespace: $ns, name: $name) {
    errors inbound { time requestsPerSecond errorRatio p50Ms p95Ms p99Ms } outbound { time requestsPerSecond errorRatio p50Ms p95Ms p99Ms }
    saturation { time cpuCores memoryBytes proxyCpuCores proxyMemoryBytes }
  }
}`;

export const MESH_TIMELINE = `query MeshTimeline($range: Int!, $step: Int!) {
  goldenSignals(kind: MESH, rangeSeconds: $range, stepSeconds: $step) { errors inbound { time requestsPerSecond errorRatio p95Ms } }
}`;

/** One request for many gateways: an aliased goldenSignals per gateway workload. */
export function gatewayTraffic(gateways: { namespace: string; name: string }[]): string {
  const parts = gateways.map((g, i) => `g${i}: goldenSignals(kind: WORKLOAD, namespace: ${JSON.stringify(g.namespace)}, `
    + `name: ${JSON.stringify(g.name)}, rangeSeconds: 60, stepSeconds: 60, windowSeconds: 60) { outbound { requestsPerSecond errorRatio } errors }`);
  return `query GatewayTraffic { ${parts.join(' ')} }`;
}

export const TOPOLOGY = `query Topology($namespaces: [String!], $time: String, $window: Int, $groupBy: TopologyGrouping, $refresh: Int) {
  topology(namespaces: $namespaces, time: $time, windowSeconds: $window, groupBy: $groupBy, refreshSeconds: $refresh) {
    time windowSeconds errors telemetry staleClusters
    nodes { id type cluster namespace name app version idle
      health { time score status requestsPerSecond errorRatio p95Ms reasons } }
    edges { source target protocol requestsPerSecond errorRatio p50Ms p95Ms p99Ms
      tcpSentBytesPerSecond tcpReceivedBytesPerSecond mtls responseCodes { code requestsPerSecond } }
  }
}`;

export const HEALTH = `query Health($namespaces: [String!], $end: String, $range: Int, $step: Int) {
  health(namespaces: $namespaces, end: $end, rangeSeconds: $range, stepSeconds: $step) {
    id timeline { time score status requestsPerSecond errorRatio p95Ms reasons }
  }
}`;

export const GENERATE_LOAD = `mutation GenerateLoad($input: LoadInput!) { generateLoad(input: $input) { namespace pod until } }`;

// --- istio -----------------------------------------------------------------------------------------

const RESOURCE_FIELDS = 'kind namespace name resourceVersion created yaml spec validation { checkID severity errorMessage path istioCode istioMessage }';
const ISSUE_FIELDS = 'checkId severity path message line column blocking istioCode';

export const ISTIO_RESOURCES = `query IstioResources($namespace: String, $kind: String) {
  istioResources(namespace: $namespace, kind: $kind) { ${RESOURCE_FIELDS} }
}`;

export const GATEWAY_RESOURCES = `query Gateways { istioResources { kind namespace name spec status yaml
  credentials { port credentialName ready notAfter message } } }`;

export const TEMPLATES = `query Templates { istioTemplates { id kind title description parameters { name description default } } }`;

export const RENDER = `query Render($id: String!, $parameters: [LabelInput!]) { renderIstioTemplate(id: $id, parameters: $parameters) }`;

export const VALIDATE = `query Validate($yaml: String!) {
  validateIstioResource(yaml: $yaml) { kind namespace name blocked issues { ${ISSUE_FIELDS} } }
}`;

export const APPLY = `mutation Apply($yaml: String!, $force: Boolean) {
  applyIstioResource(yaml: $yaml, force: $force) {
    applied created resource { ${RESOURCE_FIELDS} }
    issues { ${ISSUE_FIELDS} }
    overridden { ${ISSUE_FIELDS} }
  }
}`;

export const DELETE = `mutation Delete($kind: String!, $namespace: String!, $name: String!) {
  deleteIstioResource(kind: $kind, namespace: $namespace, name: $name)
}`;

export const VALIDATION = `query Validation($namespaces: [String!], $refresh: Boolean) {
  validationIssues(namespaces: $namespaces, refresh: $refresh) {
    time cluster error errors warnings
    findings { checkID severity subjectContextKey kind namespace name istioRevision path errorMessage context { key value } istioCode istioMessage }
  }
}`;

export const ENTRY_POINT = `mutation EntryPoint($input: EntryPointInput!) {
  createGatewayEntryPoint(input: $input) { alsoCreated gateway { applied resource { name } issues { checkId severity message } overridden { checkId } } }
}`;

// --- slo -------------------------------------------------------------------------------------------

export const SLOS = `query Slos($ns: String!, $service: String) {
  slos(namespace: $ns, service: $service) {
    name service template goal period status error currentBurnRate budgetConsumed compliance periodSeconds dataSeconds
    burnRates { window rate } alerts { policy severity state threshold lookBackWindow secondaryWindow conditionMetDuration }
  }
  sliTemplates { name namespace kind description parameters { name default description advanced } }
}`;

export const SLO_SUMMARY = `query SloSummary { sloSummary { total budgetExhausted firing pending failing } }`;

export const SLO_SERIES = `query SloSeries($ns: String!, $name: String!) {
  sloSeries(namespace: $ns, name: $name) { burnRates { window points { time value } } budgetRemaining { time value } }
}`;

export const CREATE_SLO = `mutation Create($input: SloInput!) { createSlo(input: $input) { name status } }`;

export const CREATE_POLICY = `mutation Policy($input: AlertingPolicyInput!) { createAlertingPolicy(input: $input) { policy } }`;

// --- tap -------------------------------------------------------------------------------------------

/** One file for both clients: the CLI's `smm tap` reads the same document from its classpath. */
export const TAP_SUBSCRIPTION: string = tapSubscription;

// tracing
export const TRACES = `query Traces($ns: String!, $service: String!, $workload: String, $range: Int, $minMs: Float, $errors: Boolean, $limit: Int) {
  traces(namespace: $ns, service: $service, workload: $workload, rangeSeconds: $range, minDurationMs: $minMs, errorsOnly: $errors,
    limit: $limit) {
    available message api
    traces { traceId start durationMs rootService rootName spanCount error services }
  }
}`;

const TRACE_LOOKUP = `available found message api
    trace {
      traceId start durationMs error
      spans { id parentId service caller name offsetMs durationMs serverDurationMs error statusCode responseFlags requestId }
    }`;

export const TRACE = `query Trace($id: String!) {
  trace(id: $id) { ${TRACE_LOOKUP} }
}`;

export const TRACE_BY_REQUEST = `query TraceByRequest($ns: String!, $rid: String!) {
  traceByRequestId(namespace: $ns, requestId: $rid) { ${TRACE_LOOKUP} }
}`;

export const OPEN_TOOL = `mutation OpenTool($path: String!) { openTool(path: $path) { port path } }`;
