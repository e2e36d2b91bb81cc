package io.smm.api.demo;

import static io.smm.api.schema.Schema.any;
import static io.smm.api.schema.Schema.array;
import static io.smm.api.schema.Schema.bool;
import static io.smm.api.schema.Schema.count;
import static io.smm.api.schema.Schema.integer;
import static io.smm.api.schema.Schema.object;
import static io.smm.api.schema.Schema.oneOf;
import static io.smm.api.schema.Schema.string;

import io.smm.api.schema.Schema.ObjectSchema;

/** DemoApplication (smm.cisco.com/v1alpha1), as in the seed's GitOps example (2.3.6). */
public final class DemoApplicationSchema {

  private DemoApplicationSchema() {}

  public static final ObjectSchema SPEC = object("DemoApplicationSpec: the smm-demo application and its load.")
      .field("enabled", bool("Whether the application is deployed."))
      .field("controlPlaneRef", object("The ControlPlane the application belongs to.").field("name", string("")))
      .field("enabledComponents", array("Components to deploy (frontpage, catalog, bookings, ...).",
          oneOf("A component of the demo application.", "frontpage", "catalog", "bookings", "postgresql", "payments", "notifications", "movies", "analytics",
              "database", "mysql")))
      .field("deployIstioResources", bool("Also create the VirtualService/DestinationRule for the movies versions."))
      .field("deploySLOResources", bool("Also create example SLOs for the demo services."))
      .field("istio", object("").field("revision", string("Istio revision to inject, e.g. cp-v115x.istio-system.")))
      .field("load", object("Generated traffic on frontpage.")
          .field("enabled", bool("")).field("minRPS", count("")).field("maxRPS", count(""))
          .field("swingPeriod", integer("Period of the load's swing, in nanoseconds.")))
      .field("autoscaling", object("").field("enabled", bool("")))
      .field("replicas", count("Replicas of each component."))
      .field("resources", any("Kubernetes resource requirements of each component."));
}
