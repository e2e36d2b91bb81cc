package io.smm.backend.prometheus;

import java.util.List;
import java.util.Map;

/**
 * A rule group as Prometheus reports it (/api/v1/rules): where it came from, how often and how
 * long it last evaluated, and its rules with their health ("ok", "err", "unknown" before the first
 * evaluation) and last error.
 */
public record RuleGroup(String name, String file, double intervalSeconds, double evaluationSeconds, String lastEvaluation,
    List<Rule> rules) {

  public record Rule(String name, Map<String, String> labels, String health, String lastError) {}
}
