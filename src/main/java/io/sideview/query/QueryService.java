package io.sideview.query;

import static io.sideview.api.Texts.abbreviate;

import io.sideview.errors.Refused;
import io.sideview.edge.Edge;
import io.sideview.edge.EdgeReader;
import io.sideview.edge.IndexRange;
import io.sideview.edge.IndexReadiness;
import io.sideview.edge.Side;
import io.sideview.edge.ViewCatalog;
import io.sideview.edge.ViewLayout;
import io.sideview.query.api.CountResponse;
import io.sideview.query.api.EdgesResponse;
import io.sideview.query.api.MutualResponse;
import io.sideview.query.api.ScanResponse;
import io.sideview.registry.model.IdType;
import io.sideview.registry.model.IndexDef;
import java.util.ArrayList;
import java.util.List;

/**
 * The four read shapes of a view, from raw query-parameter text to an answer record. Knows nothing of
 * HTTP: {@link QueryFilter} serves it. Every refusal is a {@link Refused} naming the parameter:
 * 400 bad parameter, range or cursor; 404 unknown view or index; 409 deactivated view, an index still
 * being built, or a direction the view does not keep.
 */
public class QueryService {
    public static final int MAX_PAIRS = 100;
    public static final int MAX_COUNT_STARTS = 100;
    public static final int DEFAULT_LIMIT = 20;
    public static final int MAX_LIMIT = 1000;

    private final ViewCatalog catalog;
    private final EdgeReader reader;
    private final CursorCodec cursors;
    private final IndexReadiness indexes;

    public QueryService(ViewCatalog catalog, EdgeReader reader, CursorCodec cursors, IndexReadiness indexes) {
        this.catalog = catalog;
        this.reader = reader;
        this.cursors = cursors;
        this.indexes = indexes;
    }

    /** Get / multi-get: the active edges among the source x target pairs (at most {@value #MAX_PAIRS}). */
    public EdgesResponse edge(String view, List<String> sources, List<String> targets) {
        ViewLayout layout = catalog.active(view).layout();
        List<Object> s = Ids.parseAll("source", sources, layout.definition().sourceType(), MAX_PAIRS);
        List<Object> t = Ids.parseAll("target", targets, layout.definition().targetType(), MAX_PAIRS);
        if ((long) s.size() * t.size() > MAX_PAIRS) {
            throw Refused.badInput("target", "at most " + MAX_PAIRS + " source x target pairs, got "
                    + s.size() * t.size());
        }
        return new EdgesResponse(reader.get(layout, s, t));
    }

    public CountResponse count(String view, List<String> starts, String direction) {
        ViewCatalog.Entry entry = catalog.active(view);
        ViewLayout layout = entry.layout();
        Side side = side(layout, direction);
        List<Object> nodes = Ids.parseAll("start", starts, nodeType(layout, side), MAX_COUNT_STARTS);
        List<Long> counts = reader.counts(layout, side, nodes);
        List<CountResponse.NodeCount> out = new ArrayList<>(nodes.size());
        for (int i = 0; i < nodes.size(); i++) {
            out.add(new CountResponse.NodeCount(nodes.get(i), side.name(), counts.get(i)));
        }
        return new CountResponse(out);
    }

    public ScanResponse scan(String view, String start, String direction, String indexName, String limitText,
                             String cursor, List<String> ranges) {
        ViewCatalog.Entry entry = catalog.active(view);
        ViewLayout layout = entry.layout();
        Side side = side(layout, direction);
        Object node = Ids.parse("start", start, nodeType(layout, side));
        int limit = limit(limitText);
        IndexDef index = null;
        IndexRange range = IndexRange.ALL;
        if (indexName == null || indexName.isEmpty()) {
            if (!ranges.isEmpty()) {
                throw Refused.badInput("range", "ranges need an index");
            }
        } else {
            index = layout.definition().index(indexName).orElseThrow(() -> Refused.notFound(
                    "view '" + view + "' has no index named '" + abbreviate(indexName) + "'"));
            if (!indexes.isReady(entry.descriptor().id(), index)) {
                throw Refused.conflict("index", "index '" + index.name() + "' is being built for the edges"
                        + " written before it was added; see GET /api/v1/jobs?view= for its progress");
            }
            range = RangeParser.plan(layout, index, ranges);
        }
        String scope = "scan|" + layout.storageId() + "|" + side + "|" + node + "|" + (index == null ? "" : index.id());
        byte[] after = cursor == null || cursor.isEmpty() ? null : cursors.decode(scope, cursor);
        EdgeReader.Page<Edge> page = reader.scan(layout, side, node, index, range, after, limit);
        return new ScanResponse(page.items(), page.lastKey() == null ? null : cursors.encode(scope, page.lastKey()));
    }

    public MutualResponse mutual(String view, String a, String b, String limitText, String cursor) {
        ViewLayout layout = catalog.active(view).layout();
        if (!Side.OUT.keptBy(layout.definition().direction())) {
            throw Refused.conflict("direction", "view '" + view + "' keeps only the IN side; mutual needs OUT");
        }
        Object na = Ids.parse("a", a, layout.definition().sourceType());
        Object nb = Ids.parse("b", b, layout.definition().sourceType());
        int limit = limit(limitText);
        String scope = "mutual|" + layout.storageId() + "|" + na + "|" + nb;
        byte[] after = cursor == null || cursor.isEmpty() ? null : cursors.decode(scope, cursor);
        EdgeReader.Page<Object> page = reader.mutual(layout, na, nb, after, limit);
        return new MutualResponse(page.items(), page.lastKey() == null ? null : cursors.encode(scope, page.lastKey()));
    }

    private static Side side(ViewLayout layout, String direction) {
        Side side;
        if (direction == null || direction.equals("OUT")) {
            side = Side.OUT;
        } else if (direction.equals("IN")) {
            side = Side.IN;
        } else {
            throw Refused.badInput("direction", "unknown direction '" + abbreviate(direction) + "'; expected OUT or IN");
        }
        if (!side.keptBy(layout.definition().direction())) {
            throw Refused.conflict("direction", "view '" + layout.definition().name() + "' keeps only "
                    + layout.definition().direction() + "; it has no " + side + " records");
        }
        return side;
    }

    private static IdType nodeType(ViewLayout layout, Side side) {
        return side.nodeType(layout.definition());
    }

    private static int limit(String text) {
        if (text == null) {
            return DEFAULT_LIMIT;
        }
        try {
            long limit = Ids.decimal(text);
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return (int) limit;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw Refused.badInput("limit", "must be an integer from 1 to " + MAX_LIMIT + ", got '" + abbreviate(text) + "'");
    }
}
