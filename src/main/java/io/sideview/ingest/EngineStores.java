package io.sideview.ingest;

import io.sideview.ingest.db.BackfillDao;
import io.sideview.ingest.db.ShardStreamDao;
import java.util.function.Consumer;

/**
 * What the capture engines keep in the metadata DB and who they call on: history copies and their
 * chunks, each shard's stream epoch, and the repair against the source that a view needs after a
 * copy that followed a lost stream position (given the view's name).
 */
public record EngineStores(BackfillDao copies, ShardStreamDao streams, Consumer<String> repairs) {}
