package io.sideview.ingest;

import org.junit.jupiter.api.Tag;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.ConfigOverride;
import io.sideview.Examples;
import io.sideview.storage.hbase.MiniHBase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The last corner of the matrix: wal none (in-process apply) into HBase, history copy plus 10,000 changes. */
@Tag("integration")
class HBaseCdcIntegrationTest {
    private static CdcTestApp cdc;

    @BeforeAll
    static void start() throws Exception {
        cdc = new CdcTestApp("h", 701).startApp(MiniHBase.serviceOverrides("cdc_none_").toArray(ConfigOverride[]::new));
    }

    @AfterAll
    static void stop() throws Exception {
        cdc.close();
    }

    @Test
    void inProcessApplyIntoHBaseEqualsSql() throws Exception {
        FriendsWorkload workload = cdc.workload(17);
        workload.run(1000);
        assertThat(cdc.http().post("/v1/views", Examples.text("friends-view.json")).status()).isEqualTo(201);
        ViewVsSql.awaitExact(cdc::http, workload, "after the history copy", 300);
        workload.run(10_000);
        ViewVsSql.awaitExact(cdc::http, workload, "after the workload", 420);
        assertThat(cdc.healthy("storage")).isTrue();
    }
}
