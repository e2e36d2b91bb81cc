package io.smm.api.schema;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A structural schema for our custom resources, written once in Java and used twice: as the
 * CRD's openAPIV3Schema ({@link CrdSchemas}) and to validate user input before anything is
 * written ({@link SchemaValidator}), so the cluster and the CLI reject the same things.
 */
public sealed interface Schema {

  String description();

  /** An object with known fields; unknown fields are errors unless {@code openFields}. */
  record ObjectSchema(String description, Map<String, Schema> fields, List<String> required, boolean openFields)
      implements Schema {

    public ObjectSchema field(String name, Schema schema) {
      Map<String, Schema> f = new LinkedHashMap<>(fields);
      f.put(name, schema);
      return new ObjectSchema(description, f, required, openFields);
    }

    public ObjectSchema require(String... names) {
      return new ObjectSchema(description, fields, List.of(names), openFields);
    }
  }

  /** A map with arbitrary keys and values of one schema (labels, annotations). */
  record MapSchema(String description, Schema values) implements Schema {}

  record ArraySchema(String description, Schema items) implements Schema {}

  /**
   * string, integer, number or boolean; {@code allowed} restricts strings to an enum,
   * {@code minimum}/{@code maximum} (null: none) integers to a range, which the CRD also declares
   * (int32 when the range fits in it).
   */
  record Scalar(String description, String type, List<String> allowed, String pattern, Long minimum, Long maximum) implements Schema {
    public Scalar(String description, String type, List<String> allowed, String pattern) {
      this(description, type, allowed, pattern, null, null);
    }

    /** Whether the range fits Kubernetes' int32 (the CRD then says format: int32, as Kubernetes' own counts do). */
    public boolean int32() {
      return minimum != null && maximum != null && minimum >= Integer.MIN_VALUE && maximum <= Integer.MAX_VALUE;
    }
  }

  /** Anything (free-form YAML the product passes on, e.g. Kubernetes affinity). */
  record Any(String description) implements Schema {}

  // --- a small DSL ---------------------------------------------------------------------------

  static ObjectSchema object(String description) {
    return new ObjectSchema(description, new LinkedHashMap<>(), List.of(), false);
  }

  /** An object whose content we do not model (passed through as-is). */
  static ObjectSchema openObject(String description) {
    return new ObjectSchema(description, new LinkedHashMap<>(), List.of(), true);
  }

  static Scalar string(String description) {
    return new Scalar(description, "string", List.of(), null);
  }

  static Scalar pattern(String description, String regex) {
    return new Scalar(description, "string", List.of(), regex);
  }

  static Scalar oneOf(String description, String... values) {
    return new Scalar(description, "string", List.of(values), null);
  }

  static Scalar integer(String description) {
    return new Scalar(description, "integer", List.of(), null);
  }

  /** A count: replicas and the like, 0 to 2^31-1. */
  static Scalar count(String description) {
    return new Scalar(description, "integer", List.of(), null, 0L, (long) Integer.MAX_VALUE);
  }

  /** A TCP/UDP port number, 1-65535. */
  static Scalar port(String description) {
    return new Scalar(description, "integer", List.of(), null, 1L, 65_535L);
  }

  static Scalar bool(String description) {
    return new Scalar(description, "boolean", List.of(), null);
  }

  static ArraySchema array(String description, Schema items) {
    return new ArraySchema(description, items);
  }

  static MapSchema stringMap(String description) {
    return new MapSchema(description, string(""));
  }

  static Any any(String description) {
    return new Any(description);
  }
}
