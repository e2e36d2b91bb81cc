package io.smm.sandbox.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * kube-apiserver serves a custom resource under every served version of its CRD, converting with
 * the CRD's strategy; with strategy None (Istio's CRDs: networking.istio.io v1alpha3 is stored,
 * v1beta1 served too) an object is the same in every version but its apiVersion. The sandbox's
 * store keeps objects under one version, so a request to another served version is turned into
 * one to the storage version and its answer back: a Gateway created as v1alpha3 reads as v1beta1
 * and the other way round. Watches on another version see their events with the storage
 * version's apiVersion (the only difference left).
 */
final class CrdVersions {

  private static final Pattern CUSTOM = Pattern.compile("/apis/([^/]+)/([^/]+)/(?:namespaces/[^/]+/)?([^/?]+).*");

  private final Function<String, CustomResourceDefinition> crds;
  /**
   * What each CRD's versions are (served, stored), by name: read once, not on every request (a
   * product CRD's schema is large), and forgotten whenever a CRD is written.
   */
  private final Map<String, Optional<Versions>> known = new ConcurrentHashMap<>();

  private record Versions(String storage, Set<String> served) {}

  /** @param crds the stored CRD of a name (plural.group), null when none */
  CrdVersions(Function<String, CustomResourceDefinition> crds) {
    this.crds = crds;
  }

  /** A CRD was created, changed or deleted: its versions are read again. */
  void forget() {
    known.clear();
  }

  /** The request's version when it is served but not stored, with the storage version; null when nothing is to convert. */
  Conversion of(String bare) {
    Matcher m = CUSTOM.matcher(bare);
    if (!m.matches() || !m.group(1).contains(".") || m.group(1).endsWith(".k8s.io")) {
      return null; // built-in groups have no CRD
    }
    Optional<Versions> versions = known.computeIfAbsent(m.group(3) + "." + m.group(1), name -> {
      CustomResourceDefinition crd = crds.apply(name);
      if (crd == null || crd.getSpec().getVersions().size() < 2) {
        return Optional.empty();
      }
      String storage = null;
      Set<String> served = new HashSet<>();
      for (CustomResourceDefinitionVersion v : crd.getSpec().getVersions()) {
        if (Boolean.TRUE.equals(v.getStorage())) {
          storage = v.getName();
        }
        if (!Boolean.FALSE.equals(v.getServed())) {
          served.add(v.getName());
        }
      }
      return storage == null ? Optional.empty() : Optional.of(new Versions(storage, Set.copyOf(served)));
    });
    if (versions.isEmpty() || !versions.get().served().contains(m.group(2)) || versions.get().storage().equals(m.group(2))) {
      return null;
    }
    return new Conversion(m.group(1), m.group(2), versions.get().storage());
  }

  /** From a served version ({@code requested}) to the stored one and back. */
  record Conversion(String group, String requested, String storage) {

    RecordedRequest toStorage(RecordedRequest request) {
      String prefix = "/apis/" + group + "/";
      String path = request.getPath().replaceFirst(Pattern.quote(prefix + requested + "/"), prefix + storage + "/");
      Buffer body = request.getBody();
      byte[] bytes = body == null ? new byte[0] : body.getBytes();
      if (bytes.length > 0) {
        bytes = rewrite(bytes, group + "/" + requested, group + "/" + storage);
      }
      return new RecordedRequest(request.getHttpVersion(), request.method(), path, request.getHeaders(), new Buffer(bytes));
    }

    MockResponse fromStorage(MockResponse response) {
      if (response.getBody() == null || response.getBody().size() == 0) {
        return response;
      }
      return response.setBody(new String(rewrite(response.getBody().getBytes(), group + "/" + storage, group + "/" + requested),
          StandardCharsets.UTF_8));
    }

    /** The apiVersion of the object, of a list and of its items, where it is {@code from}; anything else is left as it is. */
    private static byte[] rewrite(byte[] json, String from, String to) {
      JsonNode node;
      try {
        node = Serialization.jsonMapper().readTree(json);
      } catch (IOException e) {
        return json; // a patch or non-JSON body: the store says what is wrong with it
      }
      if (!(node instanceof ObjectNode o)) {
        return json;
      }
      swap(o, from, to);
      if (o.path("items").isArray()) {
        o.get("items").forEach(i -> {
          if (i instanceof ObjectNode item) {
            swap(item, from, to);
          }
        });
      }
      return Serialization.asJson(o).getBytes(StandardCharsets.UTF_8);
    }

    private static void swap(ObjectNode o, String from, String to) {
      if (from.equals(o.path("apiVersion").asText())) {
        o.put("apiVersion", to);
      }
    }
  }
}
