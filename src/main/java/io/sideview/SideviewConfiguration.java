package io.sideview;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.core.Configuration;
import io.dropwizard.db.DataSourceFactory;
import io.dropwizard.health.DefaultHealthFactory;
import io.dropwizard.health.HealthFactory;
import io.sideview.auth.AuthConfig;
import io.sideview.auth.SecurityConfig;
import io.sideview.cluster.ClusterConfig;
import io.sideview.ingest.SourceGroupConfig;
import io.sideview.ops.OpsConfig;
import io.sideview.query.QueryConfig;
import io.sideview.registry.RegistryConfig;
import io.sideview.storage.StorageConfig;
import io.sideview.ingest.WalConfig;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.util.Map;
import java.util.Optional;

/** The one configuration class (Dropwizard needs a class); every nested block is a record. */
public class SideviewConfiguration extends Configuration {

    @Valid @NotNull private DataSourceFactory database = new DataSourceFactory();
    @Valid @NotNull private RegistryConfig registry = RegistryConfig.defaults();
    @Valid @NotNull private AuthConfig auth = AuthConfig.open();
    @Valid @NotNull private SecurityConfig security = SecurityConfig.defaults();
    @Valid @NotNull private StorageConfig storage = StorageConfig.defaults();
    @Valid @NotNull private WalConfig wal = WalConfig.defaults();
    @Valid @NotNull private QueryConfig query = QueryConfig.defaults();
    @Valid @NotNull private Map<String, @Valid SourceGroupConfig> sources = Map.of();
    @Valid @NotNull private OpsConfig ops = OpsConfig.defaults();
    @Valid @NotNull private ClusterConfig cluster = ClusterConfig.defaults();
    /** Always on: liveness and readiness exist whether or not the YAML has a health block. */
    @Valid @NotNull private HealthFactory health = new DefaultHealthFactory();

    @JsonProperty public DataSourceFactory getDatabase() { return database; }
    @JsonProperty public void setDatabase(DataSourceFactory database) { this.database = database; }
    @JsonProperty public RegistryConfig getRegistry() { return registry; }
    @JsonProperty public void setRegistry(RegistryConfig registry) { this.registry = registry; }
    @JsonProperty public AuthConfig getAuth() { return auth; }
    @JsonProperty public void setAuth(AuthConfig auth) { this.auth = auth; }
    @JsonProperty public SecurityConfig getSecurity() { return security; }
    @JsonProperty public void setSecurity(SecurityConfig security) { this.security = security; }
    @JsonProperty public StorageConfig getStorage() { return storage; }
    @JsonProperty public void setStorage(StorageConfig storage) { this.storage = storage; }
    @JsonProperty public WalConfig getWal() { return wal; }
    @JsonProperty public void setWal(WalConfig wal) { this.wal = wal; }
    @JsonProperty public QueryConfig getQuery() { return query; }
    @JsonProperty public void setQuery(QueryConfig query) { this.query = query; }
    @JsonProperty public OpsConfig getOps() { return ops; }
    @JsonProperty public void setOps(OpsConfig ops) { this.ops = ops; }
    @JsonProperty public ClusterConfig getCluster() { return cluster; }
    @JsonProperty public void setCluster(ClusterConfig cluster) { this.cluster = cluster; }

    /**
     * Empty to Dropwizard on purpose: it would mount {@code /health-check} on the application port before
     * {@code run()}, scheduling only the checks the YAML names. {@code SideviewApplication.wireOps} mounts it
     * on the admin port with the YAML's {@code health} block ({@link #health()}), completed for every check.
     */
    @Override
    @JsonProperty("health")
    public Optional<HealthFactory> getHealthFactory() { return Optional.empty(); }
    @Override
    @JsonProperty("health")
    public void setHealthFactory(HealthFactory health) { this.health = health == null ? new DefaultHealthFactory() : health; }
    /** The YAML's {@code health} block (Dropwizard's {@code DefaultHealthFactory} when there is none). */
    public HealthFactory health() { return health; }

    @JsonProperty public Map<String, SourceGroupConfig> getSources() { return sources; }
    @JsonProperty public void setSources(Map<String, SourceGroupConfig> sources) {
        this.sources = sources == null ? Map.of() : Map.copyOf(sources);
        SourceGroupConfig.checkIdentities(this.sources);
    }
}
