package io.sideview.edge;

import io.sideview.registry.model.Direction;
import io.sideview.registry.model.IdType;
import io.sideview.registry.model.IndexDef;
import io.sideview.registry.model.IndexField;
import io.sideview.registry.model.PropertyDef;
import io.sideview.registry.model.PropertyType;
import io.sideview.registry.model.SortOrder;
import io.sideview.registry.model.ViewDefinition;
import java.util.List;

/** A BOTH view with every property shape the state machine must handle, and indexes over them. */
final class TestViews {
    static final ViewDefinition EDGES = new ViewDefinition("edges", null, IdType.LONG, IdType.LONG, Direction.BOTH,
            List.of(new PropertyDef(1, "a", PropertyType.LONG, true, null),
                    new PropertyDef(2, "nick", PropertyType.STRING, true, null),
                    new PropertyDef(3, "favorite", PropertyType.BOOLEAN, false, false),
                    new PropertyDef(4, "score", PropertyType.DOUBLE, true, null)),
            List.of(new IndexDef(1, "recent", List.of(new IndexField("a", SortOrder.DESC))),
                    new IndexDef(2, "by_fav", List.of(new IndexField("favorite", SortOrder.ASC), new IndexField("nick", SortOrder.DESC))),
                    new IndexDef(3, "by_version", List.of(new IndexField("version", SortOrder.DESC)))),
            null);

    static final ViewLayout LAYOUT = new ViewLayout(7, EDGES, 0);

    private TestViews() {}
}
