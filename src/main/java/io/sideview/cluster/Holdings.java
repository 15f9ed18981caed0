package io.sideview.cluster;

import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What one node runs: the shards (group/shard) whose capture engines run there and the WAL partitions it
 * applies. Kafka's group coordinator decides both ({@link ShardOwnership}, {@code ingest.WalConsumer}); a
 * node writes what it holds into its {@code cluster_nodes} row with each heartbeat, so every node can show
 * the whole cluster without asking Kafka.
 */
public record Holdings(SortedSet<String> shards, SortedSet<Integer> partitions) {
    public static final Holdings NONE = of(Set.of(), Set.of());

    public Holdings {
        shards = Collections.unmodifiableSortedSet(new TreeSet<>(shards));
        partitions = Collections.unmodifiableSortedSet(new TreeSet<>(partitions));
    }

    public static Holdings of(Collection<String> shards, Collection<Integer> partitions) {
        return new Holdings(new TreeSet<>(shards), new TreeSet<>(partitions));
    }

    /** Shard names are {@code [a-z][a-z0-9_]*} / {@code [a-z][a-z0-9_-]*} (config checks), so a comma never occurs in one. */
    public String shardsColumn() {
        return String.join(",", shards);
    }

    public String partitionsColumn() {
        return String.join(",", partitions.stream().map(String::valueOf).toList());
    }

    /** The shards column as written; null (a row from a version that did not publish) stays null: unknown. */
    public static List<String> shards(String column) {
        return column == null ? null : split(column).toList();
    }

    /** The partitions column as written; null stays null (unknown), and a value that is not a number is skipped. */
    public static List<Integer> partitions(String column) {
        if (column == null) {
            return null;
        }
        return split(column).filter(s -> s.chars().allMatch(Character::isDigit) && s.length() < 10)
                .map(Integer::valueOf).sorted().toList();
    }

    private static java.util.stream.Stream<String> split(String column) {
        return Arrays.stream(column.split(",")).map(String::strip).filter(s -> !s.isEmpty());
    }
}
