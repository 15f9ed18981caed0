package io.sideview.cluster.resources;

import com.codahale.metrics.annotation.ExceptionMetered;
import com.codahale.metrics.annotation.ResponseMetered;
import com.codahale.metrics.annotation.Timed;
import io.sideview.auth.Roles;
import io.sideview.cluster.ClusterView;
import io.sideview.cluster.api.ClusterStatus;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * The nodes sharing this metadata DB, who runs each shard and WAL partition, and this node's WAL lag.
 * Errors: 401 without a token (when tokens are configured); 500 when the metadata DB cannot be read.
 */
@Path("/v1/cluster")
@Produces(MediaType.APPLICATION_JSON)
@Timed
@ResponseMetered
@ExceptionMetered
public class ClusterResource {
    private final ClusterView cluster;

    public ClusterResource(ClusterView cluster) {
        this.cluster = cluster;
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.READER})
    public ClusterStatus status() {
        return cluster.status();
    }
}
