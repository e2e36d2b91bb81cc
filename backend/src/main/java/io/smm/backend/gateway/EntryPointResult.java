package io.smm.backend.gateway;

import io.smm.backend.istio.ApplyResult;
import java.util.List;

/** The Gateway's save result, and the cert-manager resources written with it ("Issuer ns/name"). */
public record EntryPointResult(ApplyResult gateway, List<String> alsoCreated) {}
