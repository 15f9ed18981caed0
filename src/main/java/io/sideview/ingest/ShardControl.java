package io.sideview.ingest;

import io.sideview.ingest.api.ShardPause;
import io.sideview.ingest.api.ShardStatus;

/**
 * What an operator's pause, resume or restart of one shard did: the verb, the outcome, the pause that
 * was in force before (null: none), and the shard's status after. The admin tasks print {@link #line()};
 * the REST endpoints return the status.
 */
public record ShardControl(Verb verb, ShardEngine.Control outcome, ShardPause before, ShardStatus status) {
    public enum Verb { PAUSE, RESUME, RESTART }

    public String shard() {
        return status.group() + "/" + status.shard();
    }

    /** One human-readable line; it names the next step when nothing was done. */
    public String line() {
        String task = "shard-" + verb.name().toLowerCase(java.util.Locale.ROOT);
        if (outcome == ShardEngine.Control.ELSEWHERE) {
            return shard() + " runs on another node (ELSEWHERE): nothing done here; call " + task
                    + " on the node that runs it (its GET /api/v1/ingest/status shows it STREAMING)";
        }
        return switch (verb) {
            case PAUSE -> outcome == ShardEngine.Control.DONE
                    ? shard() + " PAUSED by " + status.paused().by() + " at " + position(status.paused().position())
                            + ": its engine stopped with its offsets committed; changes wait on the shard until shard-resume"
                    : shard() + " is already PAUSED (by " + before.by() + " via " + before.via() + " since "
                            + before.since() + "): nothing changed";
            case RESUME -> outcome == ShardEngine.Control.DONE
                    ? shard() + " resumed (PAUSED by " + before.by() + " since " + before.since()
                            + "): its engine starts from its committed offsets"
                    : shard() + " is not paused (it is " + status.state() + "): nothing changed";
            case RESTART -> outcome == ShardEngine.Control.DONE
                    ? shard() + " restarted: its engine stopped and starts again from its committed offsets"
                    : shard() + " is PAUSED by " + before.by() + " since " + before.since()
                            + ": not restarted; shard-resume starts it";
        };
    }

    private static String position(String p) {
        return p == null ? "no change streamed yet" : p;
    }
}
