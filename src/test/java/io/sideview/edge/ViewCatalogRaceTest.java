package io.sideview.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.sideview.registry.ViewRegistry;
import io.sideview.registry.api.ViewDescriptor;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * A load on use that read revision 1 and finishes after the reload of revision 2 must not put
 * revision 1 back: the lanes resolve their layout through the catalog, and would stop maintaining an
 * index revision 2 added (which its build relies on).
 */
class ViewCatalogRaceTest {
    /** A registry whose first get() of revision 1 waits, holding revision 1, until released. */
    private static final class SlowRegistry extends ViewRegistry {
        volatile int revision = 1;
        final CountDownLatch readOld = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        Consumer<String> listener;

        SlowRegistry() {
            super(null, null, null, null);
        }

        @Override
        public void onChange(Consumer<String> l) {
            listener = l;
        }

        @Override
        public ViewDescriptor get(String name) {
            int seen = revision;
            if (seen == 1) {
                readOld.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return new ViewDescriptor(TestViews.LAYOUT.storageId(), name, "ACTIVE", seen, false, Instant.EPOCH,
                    Instant.EPOCH, seen == 1 ? TestViews.EDGES : withoutIndexes());
        }
    }

    private static io.sideview.registry.model.ViewDefinition withoutIndexes() {
        var d = TestViews.EDGES;
        return new io.sideview.registry.model.ViewDefinition(d.name(), "revision 2", d.sourceType(), d.targetType(),
                d.direction(), d.properties(), List.of(), d.binding());
    }

    @Test
    void aSlowLoadOfAnOlderRevisionNeverReplacesANewerOne() throws Exception {
        SlowRegistry registry = new SlowRegistry();
        ViewCatalog catalog = new ViewCatalog(registry, 0);
        CompletableFuture<ViewCatalog.Entry> slow = CompletableFuture.supplyAsync(() -> catalog.any("edges"));
        assertThat(registry.readOld.await(10, TimeUnit.SECONDS)).isTrue();
        registry.revision = 2;
        registry.listener.accept("edges"); // the registry changed: reloaded at once
        registry.release.countDown();
        slow.get(10, TimeUnit.SECONDS);

        assertThat(catalog.any("edges").descriptor().revision()).isEqualTo(2);
        assertThat(catalog.latest(TestViews.LAYOUT).definition().description()).isEqualTo("revision 2");
    }
}
