package io.smm.backend.istio;

import io.smm.backend.istio.IstioTemplate.Param;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The templates offered in the Istio resources editor and through the API (seed 2.5.9.1 and
 * 2.7.2): VirtualService (match, weights, redirect, retry, rewrite, timeout, fault abort and
 * delay, mirror, CORS, delegate, TCP and TLS routes), DestinationRule (subsets, connection pool,
 * outlier detection, TLS mode), Gateway (ingress, egress), ServiceEntry, Sidecar,
 * PeerAuthentication and AuthorizationPolicy (ALLOW, DENY, CUSTOM).
 */
public final class IstioTemplates {

  private static final Param NAME = new Param("name", "Name of the resource", "payments");
  private static final Param NAMESPACE = new Param("namespace", "Namespace of the resource", "smm-demo");
  private static final Param HOST = new Param("host", "Service the rule is about (short name, name.namespace or FQDN)", "payments");

  private static final String VS_HEAD = head("networking.istio.io/v1beta1", "VirtualService") + """
        hosts:
        - {{host}}
      """;

  private static final String DR_HEAD = head("networking.istio.io/v1beta1", "DestinationRule") + """
        host: {{host}}
      """;

  /** apiVersion, kind, metadata (name, namespace) and the start of the spec every template has. */
  private static String head(String apiVersion, String kind) {
    return "apiVersion: " + apiVersion + "\nkind: " + kind + "\nmetadata:\n  name: {{name}}\n  namespace: {{namespace}}\nspec:\n";
  }

  public static final List<IstioTemplate> ALL = List.of(
      vs("virtualservice/http-match", "HTTP request match", "Route requests matching a path prefix and a header to one destination.",
          """
            http:
            - match:
              - uri:
                  prefix: {{pathPrefix}}
                headers:
                  x-canary:
                    exact: "true"
              route:
              - destination:
                  host: {{host}}
            - route:
              - destination:
                  host: {{host}}
          """, new Param("pathPrefix", "Path prefix to match", "/")),
      vs("virtualservice/weighted-routes", "Route destination (weights)", "Split traffic between two subsets by weight.",
          """
            http:
            - route:
              - destination:
                  host: {{host}}
                  subset: {{subsetA}}
                weight: {{weightA}}
              - destination:
                  host: {{host}}
                  subset: {{subsetB}}
                weight: {{weightB}}
          """, new Param("subsetA", "First subset", "v1"), new Param("weightA", "Its share (0-100)", "80"),
          new Param("subsetB", "Second subset", "v2"), new Param("weightB", "Its share (0-100)", "20")),
      vs("virtualservice/redirect", "Redirect", "Answer requests for a path with a redirect to another path.",
          """
            http:
            - match:
              - uri:
                  prefix: {{pathPrefix}}
              redirect:
                uri: {{redirectUri}}
            - route:
              - destination:
                  host: {{host}}
          """, new Param("pathPrefix", "Path prefix to redirect", "/old"), new Param("redirectUri", "Where to", "/new")),
      vs("virtualservice/retry", "Retry", "Retry failed requests.",
          """
            http:
            - route:
              - destination:
                  host: {{host}}
              retries:
                attempts: {{attempts}}
                perTryTimeout: {{perTryTimeout}}
                retryOn: 5xx,gateway-error,reset,connect-failure
          """, new Param("attempts", "Attempts", "3"), new Param("perTryTimeout", "Timeout of each attempt", "2s")),
      vs("virtualservice/rewrite", "Rewrite", "Rewrite the path of matching requests before they are sent on.",
          """
            http:
            - match:
              - uri:
                  prefix: {{pathPrefix}}
              rewrite:
                uri: {{rewriteUri}}
              route:
              - destination:
                  host: {{host}}
          """, new Param("pathPrefix", "Path prefix to rewrite", "/v1/"), new Param("rewriteUri", "Replacement", "/")),
      vs("virtualservice/timeout", "Timeout", "Fail requests that take longer than a timeout (504).",
          """
            http:
            - route:
              - destination:
                  host: {{host}}
              timeout: {{timeout}}
          """, new Param("timeout", "Timeout", "2s")),
      vs("virtualservice/fault-abort", "Fault injection: abort", "Fail a share of requests with an HTTP status.",
          """
            http:
            - route:
              - destination:
                  host: {{host}}
              fault:
                abort:
                  httpStatus: {{httpStatus}}
                  percentage:
                    value: {{percentage}}
          """, new Param("httpStatus", "Status to answer with", "503"), new Param("percentage", "Share of requests, 0-100", "50")),
      vs("virtualservice/fault-delay", "Fault injection: delay", "Delay a share of requests.",
          """
            http:
            - route:
              - destination:
                  host: {{host}}
              fault:
                delay:
                  fixedDelay: {{delay}}
                  percentage:
                    value: {{percentage}}
          """, new Param("delay", "Delay", "2s"), new Param("percentage", "Share of requests, 0-100", "50")),
      vs("virtualservice/mirror", "Mirror", "Send a copy of the traffic to another subset; its answers are dropped.",
          """
            http:
            - route:
              - destination:
                  host: {{host}}
                  subset: {{subset}}
              mirror:
                host: {{host}}
                subset: {{mirrorSubset}}
              mirrorPercentage:
                value: {{percentage}}
          """, new Param("subset", "Subset that answers", "v1"), new Param("mirrorSubset", "Subset that gets copies", "v2"),
          new Param("percentage", "Share of requests mirrored, 0-100", "100")),
      vs("virtualservice/cors", "CORS", "Allow browsers on another origin to call the service.",
          """
            http:
            - route:
              - destination:
                  host: {{host}}
              corsPolicy:
                allowOrigins:
                - exact: {{origin}}
                allowMethods:
                - GET
                - POST
                maxAge: 24h
          """, new Param("origin", "Allowed origin", "https://example.com")),
      new IstioTemplate("virtualservice/delegate", "VirtualService", "Delegate", "Hand a path prefix's routes to another VirtualService.",
          List.of(NAME, NAMESPACE, HOST, new Param("pathPrefix", "Path prefix delegated", "/api"),
              new Param("delegate", "Name of the VirtualService with the routes (no hosts)", "payments-api")),
          VS_HEAD + """
            http:
            - match:
              - uri:
                  prefix: {{pathPrefix}}
              delegate:
                name: {{delegate}}
                namespace: {{namespace}}
          """),
      vs("virtualservice/tcp-route", "TCP route", "Route TCP connections on a port.",
          """
            tcp:
            - match:
              - port: {{port}}
              route:
              - destination:
                  host: {{host}}
                  port:
                    number: {{port}}
          """, new Param("port", "Port", "3306")),
      vs("virtualservice/tls-route", "TLS route", "Route TLS connections by SNI host without terminating them.",
          """
            tls:
            - match:
              - port: 443
                sniHosts:
                - {{host}}
              route:
              - destination:
                  host: {{host}}
                  port:
                    number: 443
          """),
      dr("destinationrule/subsets", "Subsets", "Name versions of the service by pod label.",
          """
            subsets:
            - name: v1
              labels:
                version: v1
            - name: v2
              labels:
                version: v2
          """),
      dr("destinationrule/connection-pool", "Connection pool", "Limit connections and queued requests to the service.",
          """
            trafficPolicy:
              connectionPool:
                tcp:
                  maxConnections: {{maxConnections}}
                http:
                  http1MaxPendingRequests: {{maxPending}}
                  http2MaxRequests: {{maxRequests}}
          """, new Param("maxConnections", "Connections", "100"), new Param("maxPending", "Queued HTTP/1.1 requests", "10"),
          new Param("maxRequests", "Concurrent HTTP/2 requests", "100")),
      dr("destinationrule/outlier-detection", "Outlier detection (circuit breaking)", "Eject pods that keep failing for a while.",
          """
            trafficPolicy:
              outlierDetection:
                consecutive5xxErrors: {{errors}}
                interval: 10s
                baseEjectionTime: {{ejectionTime}}
                maxEjectionPercent: 50
          """, new Param("errors", "Consecutive 5xx before ejection", "5"), new Param("ejectionTime", "Base ejection time", "30s")),
      dr("destinationrule/tls-mode", "TLS mode", "How clients connect to the service: ISTIO_MUTUAL, DISABLE, SIMPLE or MUTUAL.",
          """
            trafficPolicy:
              tls:
                mode: {{mode}}
          """, new Param("mode", "TLS mode", "ISTIO_MUTUAL")),
      new IstioTemplate("gateway/ingress", "Gateway", "Ingress gateway", "Accept HTTP for a host on an ingress gateway.",
          List.of(new Param("name", "Name", "demo-ingress"), new Param("namespace", "Namespace", "istio-system"),
              new Param("gateway", "gateway-name label of the gateway pods", "demo-gw"), new Param("host", "Host", "demo.example.com"),
              new Param("port", "Port on the gateway", "80")),
          head("networking.istio.io/v1beta1", "Gateway") + """
            selector:
              gateway-name: {{gateway}}
              gateway-type: ingress
            servers:
            - port:
                number: {{port}}
                name: http
                protocol: HTTP
              hosts:
              - {{host}}
          """),
      new IstioTemplate("gateway/egress", "Gateway", "Egress gateway", "Send traffic for an external host out through an egress gateway.",
          List.of(new Param("name", "Name", "egress"), new Param("namespace", "Namespace", "istio-system"),
              new Param("gateway", "gateway-name label of the gateway pods", "egress-gw"), new Param("host", "External host", "api.example.com")),
          head("networking.istio.io/v1beta1", "Gateway") + """
            selector:
              gateway-name: {{gateway}}
              gateway-type: egress
            servers:
            - port:
                number: 443
                name: tls
                protocol: TLS
              hosts:
              - {{host}}
              tls:
                mode: PASSTHROUGH
          """),
      meshGateway("ingress", "demo-gw", "Ingress gateway: an entry point into the mesh (IstioMeshGateway, seed 2.5.6).",
          """
              ports:
              - name: http2
                port: 80
                protocol: TCP
                targetPort: 8080
              - name: https
                port: 443
                protocol: TCP
                targetPort: 8443
              type: LoadBalancer
          """),
      meshGateway("egress", "egress-gw", "Egress gateway: an exit point from the mesh (IstioMeshGateway, seed 2.5.6).",
          """
              ports:
              - name: tls
                port: 443
                protocol: TCP
                targetPort: 8443
              type: ClusterIP
          """),
      new IstioTemplate("serviceentry/external-service", "ServiceEntry", "External service", "Make an external HTTPS host known to the mesh.",
          List.of(new Param("name", "Name", "external-api"), NAMESPACE, new Param("host", "External host", "api.example.com")),
          head("networking.istio.io/v1beta1", "ServiceEntry") + """
            hosts:
            - {{host}}
            location: MESH_EXTERNAL
            resolution: DNS
            ports:
            - number: 443
              name: https
              protocol: TLS
          """),
      new IstioTemplate("sidecar/restrict-outbound", "Sidecar", "Restrict outbound traffic",
          "Let the namespace's proxies reach only their own namespace and istio-system, and nothing outside the registry.",
          List.of(new Param("name", "Name", "default"), NAMESPACE),
          head("networking.istio.io/v1beta1", "Sidecar") + """
            egress:
            - hosts:
              - ./*
              - istio-system/*
            outboundTrafficPolicy:
              mode: REGISTRY_ONLY
          """),
      new IstioTemplate("peerauthentication/mtls", "PeerAuthentication", "mTLS mode",
          "Set the mTLS mode (STRICT, PERMISSIVE, DISABLE) of a workload's proxies; leave app empty for the whole namespace.",
          List.of(new Param("name", "Name", "payments"), NAMESPACE, new Param("app", "app label of the workload", "payments"),
              new Param("mode", "mTLS mode", "STRICT")),
          head("security.istio.io/v1beta1", "PeerAuthentication") + """
            selector:
              matchLabels:
                app: {{app}}
            mtls:
              mode: {{mode}}
          """),
      new IstioTemplate("peerauthentication/port-mtls", "PeerAuthentication", "mTLS mode of one port",
          "Set the mTLS mode of one port of a workload (e.g. PERMISSIVE for a health-check port), the rest as the workload's.",
          List.of(new Param("name", "Name", "payments-port"), NAMESPACE, new Param("app", "app label of the workload", "payments"),
              new Param("port", "Port (container port)", "8080"), new Param("mode", "mTLS mode: STRICT, PERMISSIVE, DISABLE or UNSET", "PERMISSIVE")),
          head("security.istio.io/v1beta1", "PeerAuthentication") + """
            selector:
              matchLabels:
                app: {{app}}
            portLevelMtls:
              {{port}}:
                mode: {{mode}}
          """),
      new IstioTemplate("peerauthentication/namespace-mtls", "PeerAuthentication", "mTLS mode of a namespace or the mesh",
          "Set the mTLS mode of every workload of a namespace; in the root namespace (istio-system) of the whole mesh.",
          List.of(new Param("name", "Name", "default"), NAMESPACE, new Param("mode", "mTLS mode: STRICT, PERMISSIVE, DISABLE or UNSET",
              "STRICT")),
          head("security.istio.io/v1beta1", "PeerAuthentication") + """
            mtls:
              mode: {{mode}}
          """),
      ap("authorizationpolicy/allow", "ALLOW", "Allow only callers from one namespace.",
          """
            action: ALLOW
            rules:
            - from:
              - source:
                  namespaces:
                  - {{sourceNamespace}}
          """, new Param("sourceNamespace", "Namespace allowed to call", "smm-demo")),
      ap("authorizationpolicy/deny", "DENY", "Deny one path to everybody.",
          """
            action: DENY
            rules:
            - to:
              - operation:
                  paths:
                  - {{path}}
          """, new Param("path", "Path denied", "/admin/*")),
      ap("authorizationpolicy/custom", "CUSTOM", "Ask an external authorizer (an extension provider of the mesh config) about a path.",
          """
            action: CUSTOM
            provider:
              name: {{provider}}
            rules:
            - to:
              - operation:
                  paths:
                  - {{path}}
          """, new Param("provider", "Extension provider", "ext-authz"), new Param("path", "Path", "/admin/*")));

  private IstioTemplates() {}

  public static Optional<IstioTemplate> find(String id) {
    return ALL.stream().filter(t -> t.id().equals(id)).findFirst();
  }

  public static IstioTemplate require(String id) {
    return find(id).orElseThrow(() -> new IllegalArgumentException("unknown template \"" + id + "\""));
  }

  private static IstioTemplate vs(String id, String title, String description, String rules, Param... extra) {
    return new IstioTemplate(id, "VirtualService", title, description, params(extra), VS_HEAD + rules);
  }

  private static IstioTemplate dr(String id, String title, String description, String rules, Param... extra) {
    return new IstioTemplate(id, "DestinationRule", title, description, params(extra), DR_HEAD + rules);
  }

  private static IstioTemplate meshGateway(String type, String name, String description, String service) {
    return new IstioTemplate("istiomeshgateway/" + type, "IstioMeshGateway", Character.toUpperCase(type.charAt(0)) + type.substring(1)
        + " gateway", description, List.of(new Param("name", "Name", name), new Param("namespace", "Namespace", "istio-system"),
        new Param("controlPlane", "IstioControlPlane name", "cp-v115x"), new Param("controlPlaneNamespace", "Its namespace",
        "istio-system")), head("servicemesh.cisco.com/v1alpha1", "IstioMeshGateway") + """
          type: %s
          istioControlPlane:
            name: {{controlPlane}}
            namespace: {{controlPlaneNamespace}}
          deployment:
            replicas:
              min: 1
              max: 1
              count: 1
          service:
        """.formatted(type) + service);
  }

  private static IstioTemplate ap(String id, String action, String description, String rules, Param... extra) {
    List<Param> params = new ArrayList<>(List.of(new Param("name", "Name", "payments-" + action.toLowerCase()), NAMESPACE,
        new Param("app", "app label of the protected workload", "payments")));
    params.addAll(List.of(extra));
    return new IstioTemplate(id, "AuthorizationPolicy", "Authorization policy: " + action, description, params,
        head("security.istio.io/v1beta1", "AuthorizationPolicy") + """
          selector:
            matchLabels:
              app: {{app}}
        """ + rules);
  }

  private static List<Param> params(Param... extra) {
    List<Param> out = new ArrayList<>(List.of(NAME, NAMESPACE, HOST));
    out.addAll(List.of(extra));
    return out;
  }
}
