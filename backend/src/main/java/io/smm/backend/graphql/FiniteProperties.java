package io.smm.backend.graphql;

import graphql.schema.DataFetcher;
import graphql.schema.DataFetcherFactory;
import graphql.schema.DataFetcherFactoryEnvironment;
import graphql.schema.PropertyDataFetcher;
import java.util.function.Function;

/**
 * The data fetcher of every field without its own: the record component (or bean property) of the
 * field's name, with NaN and infinities — "no data" in Prometheus answers, which no GraphQL Float
 * can carry — answered as null. Records are returned as they are; only fields whose name or shape
 * differs from the record get a fetcher in their area's resolvers.
 */
final class FiniteProperties implements DataFetcherFactory<Object> {

  @Override
  public DataFetcher<Object> get(DataFetcherFactoryEnvironment env) {
    PropertyDataFetcher<Object> property = PropertyDataFetcher.fetching(env.getFieldDefinition().getName());
    return e -> finite(property.get(e));
  }

  /** A field derived from its parent object (of type S) where the record's component does not fit the schema as it is. */
  @SuppressWarnings("unchecked")
  static <S> DataFetcher<Object> derived(Function<S, ?> field) {
    return e -> finite(field.apply((S) e.getSource()));
  }

  static Object finite(Object value) {
    return value instanceof Double d && !Double.isFinite(d) ? null : value;
  }

}
