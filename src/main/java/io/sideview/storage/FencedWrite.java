package io.sideview.storage;

import java.util.List;

/** One node side's writes under its fence (see {@link KvStore#writeFenced(long, List)}). */
public record FencedWrite(byte[] fenceKey, List<Write> writes) {}
