package io.smm.api.sre;

import static io.smm.api.schema.Schema.array;
import static io.smm.api.schema.Schema.bool;
import static io.smm.api.schema.Schema.object;
import static io.smm.api.schema.Schema.oneOf;
import static io.smm.api.schema.Schema.string;
import static io.smm.api.schema.Schema.stringMap;

import io.smm.api.schema.Schema.ObjectSchema;

/** The sre.smm.cisco.com/v1alpha1 resources of the seed (2.8.1): SLI templates, SLOs and alerting policies. */
public final class SreSchemas {

  private SreSchemas() {}

  private static ObjectSchema ref(String description) {
    return object(description).field("name", string("")).field("namespace", string(""));
  }

  public static final ObjectSchema SLI_TEMPLATE_SPEC = object("ServiceLevelIndicatorTemplateSpec: an SLI as good/total events.")
      .field("description", string("Human-readable description, shown in the dashboard."))
      .field("kind", oneOf("availability (error rate) or latency.", "availability", "latency"))
      .field("goodEvents", string("Go-templated PromQL returning the rate of good events (.Params.*, .Service.Namespace, .Service.Name, "
          + ".SLO.Period, .FloorBucket, .CeilBucket)."))
      .field("totalEvents", string("Go-templated PromQL returning the rate of all events."))
      .field("parameters", array("Parameters the SLO sets.", object("A template parameter.")
          .field("name", string("")).field("default", string("")).field("description", string(""))
          .field("advanced", bool("Shown only with SHOW ADVANCED PARAMETERS."))));

  public static final ObjectSchema SLO_SPEC = object("ServiceLevelObjectiveSpec: a goal for a service's SLI over a period.")
      .field("description", string("Human-readable description, shown in the dashboard."))
      .field("selector", ref("The service: its name and namespace."))
      .field("sli", object("The SLI: a template and its parameter values.")
          .field("templateRef", ref("The ServiceLevelIndicatorTemplate."))
          .field("parameters", stringMap("Values of the template's parameters.")))
      .field("slo", object("The goal and its period.")
          .field("goal", string("The goal in percent, e.g. \"99.9\"."))
          .field("rolling", object("A rolling window.").field("length", string("e.g. 720h0m0s")))
          .field("calendar", object("A calendar window.").field("length", oneOf("", "month", "week", "day"))));

  public static final ObjectSchema ALERTING_POLICY_SPEC = object("AlertingPolicySpec: a burn-rate alert for an SLO.")
      .field("sloRef", ref("The ServiceLevelObjective."))
      .field("burnrate", object("When to alert.")
          .field("threshold", string("Burn rate above which to alert, e.g. \"14.4\"."))
          .field("lookBackWindow", string("Window the burn rate is computed over, e.g. 1h."))
          .field("secondaryWindow", string("Shorter control window that must burn too, e.g. 5m."))
          .field("conditionMetDuration", string("How long the condition must hold, e.g. 2m.")))
      .field("severity", oneOf("Routes the alert in Alertmanager.", "ticket", "page"));
}
