package io.smm.backend.istio;

import com.fasterxml.jackson.databind.JsonNode;

/** One Istio resource as stored: identity, its YAML (what the editor shows, without status), its spec and status. */
public record IstioResource(String kind, String apiVersion, String namespace, String name, String resourceVersion, String created,
    String yaml, JsonNode spec, JsonNode status) {}
