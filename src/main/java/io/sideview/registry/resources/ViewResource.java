package io.sideview.registry.resources;

import com.codahale.metrics.annotation.ExceptionMetered;
import com.codahale.metrics.annotation.ResponseMetered;
import com.codahale.metrics.annotation.Timed;
import io.sideview.auth.Roles;
import io.sideview.registry.DefinitionParser;
import io.sideview.registry.ViewRegistry;
import io.sideview.registry.ViewStatus;
import io.sideview.registry.api.RevisionDescriptor;
import io.sideview.registry.api.ViewDescriptor;
import io.sideview.registry.model.ViewDefinition;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;

/**
 * Admin REST API of the schema registry. Bodies are read as text and parsed by
 * {@link DefinitionParser} so size limits and unknown fields get precise problem+json answers.
 * Errors: 400 malformed JSON, 401 no token, 403 reader token on a write, 404 unknown view,
 * 409 duplicate name / incompatible change / delete of an active view, 413 oversized, 422 invalid.
 */
@Path("/v1/views")
@Produces(MediaType.APPLICATION_JSON)
@Timed
@ResponseMetered
@ExceptionMetered
public class ViewResource {
    private final ViewRegistry registry;
    private final DefinitionParser parser;

    public ViewResource(ViewRegistry registry, DefinitionParser parser) {
        this.registry = registry;
        this.parser = parser;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.ADMIN)
    public Response create(String body, @Context UriInfo uri) {
        ViewDescriptor created = registry.create(parser.parse(body));
        return Response.created(uri.getAbsolutePathBuilder().path(created.name()).build()).entity(created).build();
    }

    /**
     * Validates a definition without storing anything: as a create when no view has its name, as an
     * update (compatibility included) when one does. 200 with the normalized definition, or the same
     * problems a create or update would get (400, 409, 413, 422). Lets a form validate as you type.
     */
    @POST
    @Path("/validate")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.ADMIN, Roles.READER})
    public ViewDefinition validate(String body) {
        return registry.check(parser.parse(body));
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.READER})
    public List<ViewDescriptor> list() {
        return registry.list();
    }

    @GET
    @Path("/{name}")
    @RolesAllowed({Roles.ADMIN, Roles.READER})
    public ViewDescriptor get(@PathParam("name") String name) {
        return registry.get(name);
    }

    @PUT
    @Path("/{name}")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.ADMIN)
    public ViewDescriptor update(@PathParam("name") String name, String body) {
        return registry.update(name, parser.parse(body));
    }

    @GET
    @Path("/{name}/revisions")
    @RolesAllowed({Roles.ADMIN, Roles.READER})
    public List<RevisionDescriptor> revisions(@PathParam("name") String name) {
        return registry.revisions(name);
    }

    @POST
    @Path("/{name}/deactivate")
    @RolesAllowed(Roles.ADMIN)
    public ViewDescriptor deactivate(@PathParam("name") String name) {
        return registry.setStatus(name, ViewStatus.INACTIVE);
    }

    @POST
    @Path("/{name}/activate")
    @RolesAllowed(Roles.ADMIN)
    public ViewDescriptor activate(@PathParam("name") String name) {
        return registry.setStatus(name, ViewStatus.ACTIVE);
    }

    @DELETE
    @Path("/{name}")
    @RolesAllowed(Roles.ADMIN)
    public Response delete(@PathParam("name") String name) {
        registry.delete(name);
        return Response.noContent().build();
    }
}
