package io.sideview.registry.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dropwizard.db.ManagedDataSource;
import io.sideview.MetadataDatabases;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementException;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** One DAO suite, run unchanged on H2, PostgreSQL and MariaDB with the real Liquibase migrations. */
@Tag("integration")
class ViewDaoTest {
    private ManagedDataSource dataSource;

    private ViewDao dao(MetadataDatabases engine) throws Exception {
        dataSource = engine.migrated("dao-test");
        Jdbi jdbi = Jdbi.create(dataSource).installPlugin(new SqlObjectPlugin());
        return jdbi.onDemand(ViewDao.class);
    }

    @AfterEach
    void close() throws Exception {
        if (dataSource != null) {
            dataSource.stop();
        }
    }

    @ParameterizedTest
    @EnumSource(MetadataDatabases.class)
    void createsAndReadsAView(MetadataDatabases engine) throws Exception {
        ViewDao dao = dao(engine);
        assertThat(dao.list()).isEmpty();
        ViewRow row = dao.create("follows", "ACTIVE", "{\"name\":\"follows\"}", 1_000L);
        assertThat(dao.findByName("follows")).contains(row);
        assertThat(dao.list()).containsExactly(row);
        assertThat(dao.revision(row.id(), 1).orElseThrow().definition()).isEqualTo("{\"name\":\"follows\"}");
        assertThat(dao.findByName("nope")).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(MetadataDatabases.class)
    void duplicateNameIsRefusedAndLeavesNoRow(MetadataDatabases engine) throws Exception {
        ViewDao dao = dao(engine);
        dao.create("follows", "ACTIVE", "{}", 1L);
        assertThatThrownBy(() -> dao.create("follows", "ACTIVE", "{}", 2L)).isInstanceOf(StatementException.class);
        assertThat(dao.list()).hasSize(1);
        assertThat(dao.revisions(dao.findByName("follows").orElseThrow().id())).hasSize(1);
    }

    @ParameterizedTest
    @EnumSource(MetadataDatabases.class)
    void revisionsMoveOnlyFromTheRevisionRead(MetadataDatabases engine) throws Exception {
        ViewDao dao = dao(engine);
        ViewRow row = dao.create("likes", "ACTIVE", "{\"r\":1}", 1L);
        assertThat(dao.addRevision(row.id(), 1, "{\"r\":2}", 2L)).isTrue();
        assertThat(dao.addRevision(row.id(), 1, "{\"stale\":true}", 3L)).as("stale writer loses").isFalse();
        assertThat(dao.revisions(row.id())).extracting(RevisionRow::revision).containsExactly(1, 2);
        assertThat(dao.revisions(row.id())).extracting(RevisionRow::definition).containsExactly("{\"r\":1}", "{\"r\":2}");
        ViewRow after = dao.findByName("likes").orElseThrow();
        assertThat(after.currentRevision()).isEqualTo(2);
        assertThat(after.updatedAt()).isEqualTo(2L);
    }

    @ParameterizedTest
    @EnumSource(MetadataDatabases.class)
    void deleteNeedsTheStatusAndTakesRevisionsAlong(MetadataDatabases engine) throws Exception {
        ViewDao dao = dao(engine);
        ViewRow row = dao.create("blocks", "ACTIVE", "{}", 1L);
        dao.addRevision(row.id(), 1, "{}", 2L);
        assertThat(dao.delete(row.id(), "INACTIVE")).isZero();
        assertThat(dao.setStatus(row.id(), "INACTIVE", 3L)).isEqualTo(1);
        assertThat(dao.delete(row.id(), "INACTIVE")).isEqualTo(1);
        assertThat(dao.findByName("blocks")).isEmpty();
        assertThat(dao.revisions(row.id())).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(MetadataDatabases.class)
    void viewIdsAreNeverReused(MetadataDatabases engine) throws Exception {
        ViewDao dao = dao(engine);
        ViewRow first = dao.create("a", "INACTIVE", "{}", 1L);
        dao.delete(first.id(), "INACTIVE");
        ViewRow second = dao.create("a", "ACTIVE", "{}", 2L);
        assertThat(second.id()).isGreaterThan(first.id());
    }

    @ParameterizedTest
    @EnumSource(MetadataDatabases.class)
    void concurrentAllocationsAreUnique(MetadataDatabases engine) throws Exception {
        ViewDao dao = dao(engine);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Long>> futures = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                futures.add(pool.submit(() -> dao.allocateId("view")));
            }
            List<Long> ids = new ArrayList<>();
            for (Future<Long> f : futures) {
                ids.add(f.get());
            }
            assertThat(ids).doesNotHaveDuplicates().hasSize(40);
            assertThat(Collections.min(ids)).isEqualTo(1L);
        } finally {
            pool.shutdownNow();
        }
    }

    @ParameterizedTest
    @EnumSource(MetadataDatabases.class)
    void everyRegistryWriteMovesTheChangeSeqAndAWriteThatChangesNothingDoesNot(MetadataDatabases engine) throws Exception {
        ViewDao dao = dao(engine);
        long seq = dao.changeSeq();
        ViewRow row = dao.create("follows", "ACTIVE", "{}", 1L);
        assertThat(dao.changeSeq()).as("create").isEqualTo(++seq);
        assertThatThrownBy(() -> dao.create("follows", "ACTIVE", "{}", 2L)).isInstanceOf(StatementException.class);
        assertThat(dao.changeSeq()).as("a refused create rolls its bump back").isEqualTo(seq);
        assertThat(dao.addRevision(row.id(), 1, "{\"r\":2}", 2L)).isTrue();
        assertThat(dao.changeSeq()).as("revision").isEqualTo(++seq);
        assertThat(dao.addRevision(row.id(), 1, "{}", 2L)).isFalse();
        assertThat(dao.changeSeq()).as("stale revision").isEqualTo(seq);
        Long pending = dao.newGeneration(row.id(), 3L);
        assertThat(dao.changeSeq()).as("generation begun").isEqualTo(++seq);
        assertThat(dao.switchGeneration(row.id(), pending, 4L)).isEqualTo(1);
        assertThat(dao.changeSeq()).as("generation switched").isEqualTo(++seq);
        assertThat(dao.switchGeneration(row.id(), pending, 4L)).isZero();
        assertThat(dao.changeSeq()).as("no longer pending").isEqualTo(seq);
        Long dropped = dao.newGeneration(row.id(), 5L);
        assertThat(dao.dropGeneration(row.id(), dropped, 6L)).isEqualTo(1);
        assertThat(dao.changeSeq()).as("generation begun and dropped").isEqualTo(seq += 2);
        assertThat(dao.delete(row.id(), "INACTIVE")).isZero();
        assertThat(dao.changeSeq()).as("refused delete").isEqualTo(seq);
        assertThat(dao.setStatus(row.id(), "INACTIVE", 7L)).isEqualTo(1);
        assertThat(dao.changeSeq()).as("deactivated").isEqualTo(++seq);
        assertThat(dao.delete(row.id(), "INACTIVE")).isEqualTo(1);
        assertThat(dao.changeSeq()).as("deleted").isEqualTo(++seq);
    }
}
