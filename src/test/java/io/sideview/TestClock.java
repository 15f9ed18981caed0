package io.sideview;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** A clock a test moves by hand, in milliseconds (UTC). */
public final class TestClock extends Clock {
    private final AtomicLong now;

    public TestClock(long startMillis) {
        this.now = new AtomicLong(startMillis);
    }

    public long now() {
        return now.get();
    }

    /** Moves the clock on by {@code ms}; returns the new time. */
    public long advance(long ms) {
        return now.addAndGet(ms);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(now.get());
    }

    @Override
    public long millis() {
        return now.get();
    }
}
