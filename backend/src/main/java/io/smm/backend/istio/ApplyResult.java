package io.smm.backend.istio;

import java.util.List;

/**
 * The answer to a save: written or not, the resource as stored, every issue found, and which
 * error findings the user chose to override (empty unless saving was forced).
 */
public record ApplyResult(boolean applied, boolean created, IstioResource resource, List<Issue> issues, List<Issue> overridden) {}
