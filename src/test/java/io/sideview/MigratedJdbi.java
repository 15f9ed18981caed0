package io.sideview;

import io.dropwizard.db.ManagedDataSource;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A DAO test's database: {@link #open} gives a Jdbi over a fresh, migrated database on the engine under
 * test; the extension stops it after each test. Register it with {@code @RegisterExtension}.
 */
public final class MigratedJdbi implements AfterEachCallback {
    private ManagedDataSource dataSource;

    public Jdbi open(MetadataDatabases engine, String name) throws Exception {
        dataSource = engine.migrated(name);
        return Jdbi.create(dataSource).installPlugin(new SqlObjectPlugin());
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        if (dataSource != null) {
            dataSource.stop();
            dataSource = null;
        }
    }
}
