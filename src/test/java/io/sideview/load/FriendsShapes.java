package io.sideview.load;

import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Every query shape of the load suite, on the friends view (docs/examples/friends-view.json: long
 * ids, direction BOTH, index {@code recent}), each at the same arrival rate. Users are drawn from
 * [0, users) and friends from [0, friends), uniformly, so most asks hit nodes the writer keeps
 * changing. The cursor shape follows {@code next} cursors that earlier scan answers (OUT and IN)
 * handed out.
 */
public final class FriendsShapes {
    private static final int PAGE = 10;
    private static final int MULTI = 10;

    private final String view;
    private final long users;
    private final long friends;
    /** Next-page queries built from recent scan answers; a slot is overwritten as new cursors come. */
    private final AtomicReferenceArray<String> cursors = new AtomicReferenceArray<>(64);
    private final AtomicLong cursorsSeen = new AtomicLong();
    /** Cursor-shape requests sent with a cursor, and sent as a first page because none was seen yet. */
    public final AtomicLong followed = new AtomicLong();
    public final AtomicLong firstPages = new AtomicLong();

    public FriendsShapes(String view, long users, long friends) {
        this.view = "/api/v1/views/" + view;
        this.users = users;
        this.friends = friends;
    }

    /** The shapes, {@code ratePerShape} requests/s each. */
    public List<OpenLoop.Shape> shapes(double ratePerShape) {
        return List.of(
                new OpenLoop.Shape("get", ratePerShape, r -> view + "/edge?source=" + user(r) + "&target=" + friend(r), null),
                new OpenLoop.Shape("multi-get (1x" + MULTI + ")", ratePerShape, this::multiGet, null),
                new OpenLoop.Shape("count", ratePerShape, r -> view + "/count?start=" + user(r) + "&direction=OUT", null),
                new OpenLoop.Shape("scan newest-" + PAGE, ratePerShape, r -> firstPage(user(r), "OUT"), this::keepCursor),
                new OpenLoop.Shape("scan next page (cursor)", ratePerShape, this::nextPage, this::keepCursor),
                new OpenLoop.Shape("reverse count", ratePerShape, r -> view + "/count?start=" + friend(r) + "&direction=IN", null),
                new OpenLoop.Shape("reverse scan newest-" + PAGE, ratePerShape, r -> firstPage(friend(r), "IN"), this::keepCursor),
                new OpenLoop.Shape("mutual", ratePerShape, r -> view + "/mutual?a=" + user(r) + "&b=" + user(r) + "&limit=20", null));
    }

    private long user(SplittableRandom r) {
        return r.nextLong(users);
    }

    private long friend(SplittableRandom r) {
        return r.nextLong(friends);
    }

    private String multiGet(SplittableRandom r) {
        StringBuilder b = new StringBuilder(view).append("/edge?source=").append(user(r));
        for (int i = 0; i < MULTI; i++) {
            b.append("&target=").append(friend(r));
        }
        return b.toString();
    }

    private String firstPage(long node, String direction) {
        return view + "/scan?start=" + node + "&direction=" + direction + "&index=recent&limit=" + PAGE;
    }

    /** A page after one a scan answered (the cursor is bound to the start node, so the query keeps it). */
    private String nextPage(SplittableRandom r) {
        long seen = cursorsSeen.get();
        // One of the (up to 64) newest cursors kept; slots not written yet are never picked.
        String next = seen == 0 ? null
                : cursors.get((int) ((seen - 1 - r.nextInt((int) Math.min(seen, cursors.length()))) % cursors.length()));
        if (next == null) {
            firstPages.incrementAndGet();
            return firstPage(user(r), "OUT");
        }
        followed.incrementAndGet();
        return next;
    }

    /** Keeps the {@code next} cursor of a scan answer, if any, as the query of the page after it. */
    private void keepCursor(String path, String body) {
        int at = body.indexOf("\"next\":\"");
        if (at < 0) {
            return;
        }
        String cursor = body.substring(at + 8, body.indexOf('"', at + 8));
        int old = path.indexOf("&cursor=");
        // A cursor is bound to its query (view, direction, start, index): the next page repeats it.
        String next = (old < 0 ? path : path.substring(0, old)) + "&cursor=" + cursor;
        cursors.set((int) (cursorsSeen.getAndIncrement() % cursors.length()), next);
    }
}
