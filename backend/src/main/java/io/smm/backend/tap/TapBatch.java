package io.smm.backend.tap;

import java.util.List;

/**
 * What one tap subscriber is sent at a time: the entries since the last batch, and how many
 * matching entries it has lost so far because it did not keep up (dropped) out of all that
 * matched its filter.
 */
public record TapBatch(List<TapEntry> entries, long dropped, long matched) {}
