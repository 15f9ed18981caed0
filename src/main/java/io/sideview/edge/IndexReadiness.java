package io.sideview.edge;

import io.sideview.registry.model.IndexDef;

/**
 * Whether an index holds a row for every active edge. An index added by a later revision has none for
 * the edges written before it until its build is done, so a scan over it must wait (the job service
 * knows; queries only ask).
 */
public interface IndexReadiness {
    boolean isReady(long viewId, IndexDef index);
}
