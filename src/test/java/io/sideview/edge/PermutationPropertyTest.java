package io.sideview.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.sideview.registry.model.PropertyDef;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Order independence (invariant 2) and exactness (invariant 1): for 1,000 random event sets, every
 * permutation (all of them up to 5 events, a sample of 40 beyond) and duplicated replays end in the
 * same state, index and count records, and counts equal a brute-force model. The second test breaks
 * the tie-break on purpose (arrival order decides) and shows the check catches it.
 */
class PermutationPropertyTest {

    static Optional<String> counterexample(SideApplier.StateFunction transition, long seed, int sets) {
        Random random = new Random(seed);
        for (int s = 0; s < sets; s++) {
            List<Mutation> events = EventSets.random(random, 2 + random.nextInt(6));
            MemoryKvStore reference = new MemoryKvStore();
            EventSets.applyAll(new SideApplier(reference, transition), events);
            Map<String, String> expected = EventSets.records(reference);
            if (!EventSets.storedCounts(reference).equals(EventSets.modelCounts(events))) {
                return Optional.of("counts differ from the model for " + events);
            }
            for (List<Mutation> order : orders(events, random)) {
                MemoryKvStore store = new MemoryKvStore();
                EventSets.applyAll(new SideApplier(store, transition), order);
                if (!EventSets.records(store).equals(expected)) {
                    return Optional.of("order " + order + " differs from " + events);
                }
                // The same order again, applied in random batches (the lanes' path).
                MemoryKvStore batched = new MemoryKvStore();
                EventSets.applyInBatches(new SideApplier(batched, transition), order, random);
                if (!EventSets.records(batched).equals(expected)) {
                    return Optional.of("batched order " + order + " differs from " + events);
                }
            }
        }
        return Optional.empty();
    }

    private static List<List<Mutation>> orders(List<Mutation> events, Random random) {
        List<List<Mutation>> out = new ArrayList<>();
        if (events.size() <= 5) {
            permute(new ArrayList<>(events), 0, out);
        } else {
            for (int i = 0; i < 40; i++) {
                List<Mutation> copy = new ArrayList<>(events);
                Collections.shuffle(copy, random);
                out.add(copy);
            }
        }
        for (int i = 0; i < 5; i++) {
            List<Mutation> replayed = new ArrayList<>(events);
            for (int d = 0; d < 3; d++) {
                replayed.add(random.nextInt(replayed.size() + 1), events.get(random.nextInt(events.size())));
            }
            Collections.shuffle(replayed, random);
            out.add(replayed);
        }
        return out;
    }

    private static void permute(List<Mutation> a, int k, List<List<Mutation>> out) {
        if (k == a.size()) {
            out.add(new ArrayList<>(a));
            return;
        }
        for (int i = k; i < a.size(); i++) {
            Collections.swap(a, k, i);
            permute(a, k + 1, out);
            Collections.swap(a, k, i);
        }
    }

    @Test
    void everyOrderAndReplayGivesTheSameRecords() {
        assertThat(counterexample(Transition::apply, 1, 1000)).isEmpty();
    }

    @Test
    void arrivalOrderTieBreakIsCaught() {
        SideApplier.StateFunction arrivalWins = (state, m, view) -> {
            EdgeState joined = Transition.apply(state, m, view);
            Map<Integer, PropertyValue> props = new HashMap<>(joined.properties());
            for (PropertyDef p : view.properties()) {
                PropertyValue old = state.properties().get(p.id());
                if (old != null && old.version() == m.version() && m.properties().containsKey(p.name())) {
                    props.put(p.id(), new PropertyValue(m.version(), m.properties().get(p.name())));
                }
            }
            return new EdgeState(joined.insertVersion(), joined.deleteVersion(), props);
        };
        assertThat(counterexample(arrivalWins, 1, 1000)).isPresent();
    }
}
