package io.sideview.ops;

import com.codahale.metrics.MetricRegistry;
import io.dropwizard.db.DataSourceFactory;
import io.dropwizard.db.ManagedDataSource;
import io.dropwizard.migrations.CloseableLiquibaseWithClassPathMigrationsFile;
import java.util.List;
import liquibase.Contexts;
import liquibase.LabelExpression;
import liquibase.changelog.ChangeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs before anything reads the metadata DB: applies pending changesets when migrateOnStartup is on,
 * and otherwise refuses to start while any is pending, so the service never runs on a schema it does
 * not know.
 */
public final class MigrationGuard {
    public static final String CHANGELOG = "migrations/changelog.xml";
    private static final Logger LOG = LoggerFactory.getLogger(MigrationGuard.class);

    private MigrationGuard() {}

    public static void run(DataSourceFactory database, MetricRegistry metrics, boolean migrate) throws Exception {
        ManagedDataSource dataSource = database.build(metrics, "migrations");
        try (var liquibase = new CloseableLiquibaseWithClassPathMigrationsFile(dataSource, CHANGELOG)) {
            List<ChangeSet> pending = liquibase.listUnrunChangeSets(new Contexts(), new LabelExpression());
            if (pending.isEmpty()) {
                LOG.info("Metadata DB schema is up to date");
            } else if (migrate) {
                LOG.info("Applying {} pending changeset(s) to the metadata DB", pending.size());
                liquibase.update(new Contexts(), new LabelExpression());
            } else {
                throw new IllegalStateException(pending.size() + " pending changeset(s) in the metadata DB and "
                        + "registry.migrateOnStartup is false; run `java -jar sideview.jar db migrate config.yml` first");
            }
        }
    }
}
