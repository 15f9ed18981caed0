package io.sideview.ingest.api;

/**
 * wal: kafka, the applying half: WAL records applied by this process since it started, records
 * published but not yet applied on the partitions it holds ({@code lagRecords}), milliseconds from
 * the newest applied record's publication to its apply ({@code lagMs}), and the consumer's last error
 * (cleared once a poll is applied). Null figures are not known yet.
 */
public record WalConsumerStatus(long applied, Long lagRecords, Long lagMs, String lastError) {}
