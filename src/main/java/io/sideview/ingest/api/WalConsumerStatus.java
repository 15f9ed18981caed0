package io.sideview.ingest.api;

/**
 * wal: kafka, the applying half: WAL records applied by this process since it started, records
 * published but not yet applied on the partitions it holds ({@code lagRecords}), milliseconds from
 * the newest applied record's publication to its apply ({@code lagMs}), and the consumer's last error
 * (cleared once a poll is applied), and how many polls storage refused because another node owned
 * their partitions by then ({@code fencedRefusals}: this node was a zombie, paused or cut off past
 * its session timeout; its late writes did not land). Null figures are not known yet.
 */
public record WalConsumerStatus(long applied, Long lagRecords, Long lagMs, String lastError, long fencedRefusals) {}
