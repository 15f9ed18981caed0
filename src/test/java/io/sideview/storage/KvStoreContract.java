package io.sideview.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The storage contract, run unchanged against every backend: a subclass only says how to open a
 * fresh, empty store. Randomized operations are checked against a TreeMap with unsigned ordering.
 */
public abstract class KvStoreContract {
    protected KvStore store;

    /** A new, empty store (a fresh table or directory per test). */
    protected abstract KvStore open() throws Exception;

    @BeforeEach
    void openStore() throws Exception {
        store = open();
    }

    @AfterEach
    void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String s(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void syncKeepsWhatWasWritten() {
        store.write(List.of(new Write.Put(b("s1"), b("1")), new Write.Put(b("s2"), b("2"))));
        store.sync();
        store.sync();
        assertThat(store.multiGet(List.of(b("s1"), b("s2")))).extracting(String::new).containsExactly("1", "2");
    }

    @Test
    void putGetDelete() {
        assertThat(store.get(b("a"))).isEmpty();
        store.put(b("a"), b("1"));
        assertThat(store.get(b("a"))).map(KvStoreContract::s).contains("1");
        store.put(b("a"), b("2"));
        assertThat(store.get(b("a"))).map(KvStoreContract::s).contains("2");
        store.delete(b("a"));
        assertThat(store.get(b("a"))).isEmpty();
        store.delete(b("never-there"));
    }

    @Test
    void emptyValuesAreValues() {
        store.put(b("k"), new byte[0]);
        assertThat(store.get(b("k"))).hasValueSatisfying(v -> assertThat(v).isEmpty());
    }

    @Test
    void multiGetKeepsOrderAndMarksMissing() {
        store.put(b("x"), b("1"));
        store.put(b("z"), b("3"));
        List<byte[]> values = store.multiGet(List.of(b("z"), b("y"), b("x")));
        assertThat(values).hasSize(3);
        assertThat(s(values.get(0))).isEqualTo("3");
        assertThat(values.get(1)).isNull();
        assertThat(s(values.get(2))).isEqualTo("1");
        assertThat(store.multiGet(List.of())).isEmpty();
    }

    @Test
    void scanIsUnsignedOrderedBothWaysWithLimits() {
        byte[][] keys = {{0x01}, {0x01, 0x00}, {0x01, (byte) 0x80}, {0x02}, {(byte) 0x7F}, {(byte) 0x80}, {(byte) 0xFF, 0x01}};
        for (byte[] k : keys) {
            store.put(k, k);
        }
        List<KeyValue> all = store.scan(new KeyRange(null, null), false, 100);
        assertThat(all).extracting(KeyValue::key).containsExactly(keys);
        List<KeyValue> reversed = store.scan(new KeyRange(null, null), true, 100);
        assertThat(reversed).extracting(KeyValue::key).containsExactly(reverse(keys));

        KeyRange prefix = KeyRange.prefix(new byte[] {0x01});
        assertThat(store.scan(prefix, false, 100)).extracting(KeyValue::key).containsExactly(keys[0], keys[1], keys[2]);
        assertThat(store.scan(prefix, true, 2)).extracting(KeyValue::key).containsExactly(keys[2], keys[1]);
        assertThat(store.scan(new KeyRange(new byte[] {0x02}, new byte[] {(byte) 0x80}), false, 100))
                .extracting(KeyValue::key).containsExactly(keys[3], keys[4]);
        assertThat(store.scan(new KeyRange(new byte[] {0x02}, new byte[] {(byte) 0x80}), true, 1))
                .extracting(KeyValue::key).containsExactly(keys[4]);
        assertThat(store.scan(KeyRange.prefix(new byte[] {0x03}), false, 10)).isEmpty();
        assertThat(store.scan(KeyRange.prefix(new byte[] {(byte) 0xFF}), true, 10)).extracting(KeyValue::key).containsExactly(keys[6]);
    }

    @Test
    void deleteRangeDeletesExactlyTheRange() {
        for (int i = 0; i < 2500; i++) {
            store.put(new byte[] {0x10, (byte) (i >> 8), (byte) i}, b("v"));
        }
        store.put(new byte[] {0x0F, (byte) 0xFF}, b("before"));
        store.put(new byte[] {0x11}, b("after"));
        assertThat(store.deleteRange(KeyRange.prefix(new byte[] {0x10}))).isEqualTo(2500);
        assertThat(store.scan(KeyRange.prefix(new byte[] {0x10}), false, 10)).isEmpty();
        assertThat(store.get(new byte[] {0x0F, (byte) 0xFF})).isPresent();
        assertThat(store.get(new byte[] {0x11})).isPresent();
        assertThat(store.deleteRange(KeyRange.prefix(new byte[] {0x10}))).isZero();
    }

    @Test
    void batchesApplyInOrder() {
        store.put(b("gone"), b("x"));
        store.write(List.of(new Write.Put(b("a"), b("1")), new Write.Put(b("b"), b("2")),
                new Write.Delete(b("gone")), new Write.Put(b("a"), b("3"))));
        assertThat(store.get(b("a"))).map(KvStoreContract::s).contains("3");
        assertThat(store.get(b("b"))).map(KvStoreContract::s).contains("2");
        assertThat(store.get(b("gone"))).isEmpty();
        store.write(List.of());
    }

    @Test
    void randomizedAgainstAModel() {
        Random random = new Random(42);
        TreeMap<byte[], byte[]> model = new TreeMap<>(Arrays::compareUnsigned);
        for (int i = 0; i < 600; i++) {
            byte[] key = new byte[1 + random.nextInt(3)];
            for (int j = 0; j < key.length; j++) {
                key[j] = (byte) (random.nextInt(6) * 50);
            }
            if (random.nextInt(4) == 0) {
                store.delete(key);
                model.remove(key);
            } else {
                byte[] value = new byte[] {(byte) i, (byte) (i >> 8)};
                store.put(key, value);
                model.put(key, value);
            }
        }
        for (int q = 0; q < 40; q++) {
            byte[] start = {(byte) random.nextInt(256)};
            byte[] end = random.nextBoolean() ? null : new byte[] {(byte) (start[0] & 0xFF | random.nextInt(256))};
            int limit = 1 + random.nextInt(30);
            boolean reverse = random.nextBoolean();
            KeyRange range = new KeyRange(start, end);
            List<byte[]> expected = new ArrayList<>();
            var view = end == null ? model.tailMap(start, true) : (Arrays.compareUnsigned(start, end) < 0
                    ? model.subMap(start, true, end, false) : new TreeMap<byte[], byte[]>(Arrays::compareUnsigned));
            var keys = reverse ? view.descendingKeySet() : view.keySet();
            for (byte[] k : keys) {
                if (expected.size() == limit) {
                    break;
                }
                expected.add(k);
            }
            List<KeyValue> actual = store.scan(range, reverse, limit);
            assertThat(actual).extracting(KeyValue::key).as("range %s..%s reverse=%s limit=%d",
                    Arrays.toString(start), Arrays.toString(end), reverse, limit).containsExactlyElementsOf(expected);
            for (KeyValue kv : actual) {
                assertThat(kv.value()).isEqualTo(model.get(kv.key()));
            }
        }
    }

    private static byte[][] reverse(byte[][] keys) {
        byte[][] out = new byte[keys.length][];
        for (int i = 0; i < keys.length; i++) {
            out[i] = keys[keys.length - 1 - i];
        }
        return out;
    }
}
