package io.sideview.edge;

import io.sideview.registry.model.IndexDef;
import io.sideview.registry.model.IndexField;
import io.sideview.registry.model.PropertyDef;
import io.sideview.registry.model.SortOrder;
import io.sideview.storage.Bytes;
import io.sideview.storage.KeyRange;
import java.util.List;

/**
 * Which part of one node's index a scan reads, in index values: equality on the leading fields
 * ({@code equal}, in index order), then at most one bounded field (the next one) with any number of
 * limits, the tightest of which win. Queries say what they want in values; the keys are the edge
 * engine's business ({@link #keys}).
 */
public record IndexRange(List<Object> equal, List<Limit> limits) {
    /** The whole index. */
    public static final IndexRange ALL = new IndexRange(List.of(), List.of());

    public IndexRange {
        equal = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(equal)); // values may not be null-free
        limits = List.copyOf(limits);
    }

    /** A bound on the bounded field: {@code lower} (gt, gte) or upper (lt, lte), {@code inclusive} or not. */
    public record Limit(boolean lower, boolean inclusive, Object value) {}

    /** The key range of this part of {@code index} under {@code node} on {@code side}. */
    public KeyRange keys(ViewLayout layout, Side side, Object node, IndexDef index) {
        byte[] prefix = layout.indexPrefix(side, node, index);
        for (int i = 0; i < equal.size(); i++) {
            prefix = Bytes.concat(prefix, layout.encodeField(index.fields().get(i), equal.get(i)));
        }
        if (limits.isEmpty()) {
            return KeyRange.prefix(prefix);
        }
        IndexField f = index.fields().get(equal.size());
        boolean desc = f.order() == SortOrder.DESC;
        byte[] start = prefix;
        byte[] end = Bytes.successor(prefix);
        for (Limit l : limits) {
            byte[] at = Bytes.concat(prefix, layout.encodeField(f, l.value()));
            // In key order a DESC field's lower value bound is an upper key bound.
            if (l.lower() != desc) {
                byte[] s = l.inclusive() ? at : successorOrEnd(at);
                start = Bytes.compare(s, start) > 0 ? s : start;
            } else {
                byte[] e = l.inclusive() ? successorOrEnd(at) : at;
                end = end == null || Bytes.compare(e, end) < 0 ? e : end;
            }
        }
        // Bounds exclude nulls, as in SQL: nulls sort first in ASC and last in DESC.
        if (layout.definition().property(f.field()).map(PropertyDef::nullable).orElse(false)) {
            if (desc) {
                byte[] nullStart = Bytes.concat(prefix, new byte[] {(byte) 0xFF});
                end = end == null || Bytes.compare(nullStart, end) < 0 ? nullStart : end;
            } else {
                byte[] firstPresent = Bytes.concat(prefix, new byte[] {0x01});
                start = Bytes.compare(firstPresent, start) > 0 ? firstPresent : start;
            }
        }
        return new KeyRange(start, end);
    }

    private static byte[] successorOrEnd(byte[] key) {
        byte[] s = Bytes.successor(key);
        return s == null ? key : s;
    }
}
