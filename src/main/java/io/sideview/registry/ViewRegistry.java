package io.sideview.registry;

import io.sideview.api.Texts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sideview.api.FieldError;
import io.sideview.errors.Refused;
import io.sideview.registry.api.RevisionDescriptor;
import io.sideview.registry.api.ViewDescriptor;
import io.sideview.registry.api.ViewSpec;
import io.sideview.registry.db.RevisionRow;
import io.sideview.registry.db.ViewDao;
import io.sideview.registry.db.ViewRow;
import io.sideview.registry.model.ViewDefinition;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.statement.StatementException;

/** The schema registry: validates, versions and stores view definitions. */
public class ViewRegistry {
    private final ViewDao dao;
    private final ViewValidator validator;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final List<java.util.function.Consumer<String>> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Called with a view's name after any change to it (create, revision, status, delete). */
    public void onChange(java.util.function.Consumer<String> listener) {
        listeners.add(listener);
    }

    private void changed(String name) {
        listeners.forEach(l -> l.accept(name));
    }

    /**
     * Announces a change to view {@code name} found in the metadata DB (made through another node, or
     * announced here already: every listener must be idempotent), as {@link #onChange} listeners hear
     * a change made here.
     */
    public void announce(String name) {
        changed(name);
    }

    public ViewRegistry(ViewDao dao, ViewValidator validator, ObjectMapper mapper, Clock clock) {
        this.dao = dao;
        this.validator = validator;
        this.mapper = mapper;
        this.clock = clock;
    }

    public ViewDescriptor create(ViewSpec spec) {
        ViewDefinition definition = IdAllocator.assignFresh(validOrThrow(spec));
        if (dao.findByName(definition.name()).isPresent()) {
            throw Refused.conflict("name", "a view named '" + definition.name() + "' already exists");
        }
        ViewRow row;
        try {
            row = dao.create(definition.name(), ViewStatus.ACTIVE.name(), write(definition), clock.millis());
        } catch (StatementException e) {
            if (isUniqueViolation(e)) {
                throw Refused.conflict("name", "a view named '" + definition.name() + "' already exists");
            }
            throw e;
        }
        changed(definition.name());
        return describe(row, definition);
    }

    /** A new revision, or the current one unchanged when the definition is the same (PUT is idempotent). */
    public ViewDescriptor update(String name, ViewSpec spec) {
        ViewRow row = row(name);
        if (spec != null && spec.name() != null && !spec.name().equals(name)) {
            throw Refused.of(Refused.Kind.INVALID, "Invalid view definition",
                    List.of(new Refused.Reason("name", "must equal the view name in the path ('" + name + "'); views cannot be renamed")));
        }
        ViewSpec named = spec == null ? null : new ViewSpec(name, spec.description(), spec.sourceType(),
                spec.targetType(), spec.direction(), spec.properties(), spec.indexes(), spec.binding());
        ViewDefinition candidate = validOrThrow(named);
        List<ViewDefinition> history = dao.revisions(row.id()).stream().map(this::read).toList();
        ViewDefinition current = history.get(history.size() - 1);
        ViewDefinition next = IdAllocator.assignFrom(candidate, history);
        if (next.equals(current)) {
            return describe(row, current);
        }
        if (row.pendingStorageId() != null) {
            // The generation being built was copied with the current revision: a new one (a new index,
            // say) would leave the rows copied before it without what it adds.
            throw Refused.conflict("view", "view '" + name + "' is being replayed; change it once the replay finished or was cancelled");
        }
        List<FieldError> errors = new ArrayList<>();
        CompatibilityChecker.check(current, next, ViewStatus.ACTIVE.name().equals(row.status()), errors);
        if (!errors.isEmpty()) {
            throw Refused.of(Refused.Kind.CONFLICT, "Incompatible change", reasons(errors));
        }
        long now = clock.millis();
        if (!dao.addRevision(row.id(), row.currentRevision(), write(next), now)) {
            throw Refused.conflict("revision", "view '" + name + "' was changed concurrently; read it again and retry");
        }
        changed(name);
        return describe(row(name), next);
    }

    /**
     * Dry run of a create (no view of that name yet) or of an update (the view exists): the same
     * validation and compatibility checks and the same problems, nothing stored. Returns the
     * normalized definition with the ids it would get.
     */
    public ViewDefinition check(ViewSpec spec) {
        ViewDefinition candidate = validOrThrow(spec);
        var existing = dao.findByName(candidate.name());
        if (existing.isEmpty()) {
            return IdAllocator.assignFresh(candidate);
        }
        List<ViewDefinition> history = dao.revisions(existing.get().id()).stream().map(this::read).toList();
        ViewDefinition current = history.get(history.size() - 1);
        ViewDefinition next = IdAllocator.assignFrom(candidate, history);
        List<FieldError> errors = new ArrayList<>();
        CompatibilityChecker.check(current, next, ViewStatus.ACTIVE.name().equals(existing.get().status()), errors);
        if (!errors.isEmpty()) {
            throw Refused.of(Refused.Kind.CONFLICT, "Incompatible change", reasons(errors));
        }
        return next;
    }

    public List<ViewDescriptor> list() {
        return dao.list().stream().map(r -> describe(r, currentDefinition(r))).toList();
    }

    public ViewDescriptor get(String name) {
        ViewRow row = row(name);
        return describe(row, currentDefinition(row));
    }

    public List<RevisionDescriptor> revisions(String name) {
        ViewRow row = row(name);
        return dao.revisions(row.id()).stream()
                .map(r -> new RevisionDescriptor(r.revision(), Instant.ofEpochMilli(r.createdAt()), read(r)))
                .toList();
    }

    public ViewDescriptor setStatus(String name, ViewStatus status) {
        ViewRow row = row(name);
        if (!row.status().equals(status.name())) {
            dao.setStatus(row.id(), status.name(), clock.millis());
            changed(name);
            row = row(name);
        }
        return describe(row, currentDefinition(row));
    }

    /**
     * The storage ids of every view that exists (the generation queried and the one a replay builds),
     * and the next id to be allocated: an id below it and not among them belongs to a deleted view or
     * a replaced generation (ids are never reused). Read in that order, so a view or generation
     * created meanwhile has an id at or above {@code next}.
     */
    public record KnownIds(long next, java.util.Set<Long> live) {}

    public KnownIds knownIds() {
        long next = dao.counter("view");
        java.util.Set<Long> live = new java.util.HashSet<>();
        for (ViewRow r : dao.list()) {
            // Records live under storage ids: a view's own id names none once a replay switched it.
            live.add(r.storageId());
            if (r.pendingStorageId() != null) {
                live.add(r.pendingStorageId());
            }
        }
        return new KnownIds(next, live);
    }

    /**
     * Starts a new storage generation for a replay; returns the view with it as pending. 409 when a
     * replay is already building one.
     */
    public ViewDescriptor beginGeneration(String name) {
        ViewRow row = row(name);
        if (row.pendingStorageId() != null || dao.newGeneration(row.id(), clock.millis()) == null) {
            throw Refused.conflict("view", "view '" + name + "' is being replayed already; wait for it or cancel it");
        }
        changed(name);
        return get(name);
    }

    /**
     * Moves queries to the pending generation {@code pending} in one row update; false when it is no
     * longer pending (the replay was dropped, or the view deleted).
     */
    public boolean switchGeneration(String name, long viewId, long pending) {
        boolean moved = dao.switchGeneration(viewId, pending, clock.millis()) == 1;
        if (moved) {
            changed(name);
        }
        return moved;
    }

    /** Gives up the pending generation {@code pending} (its records become garbage for the purge). */
    public void dropGeneration(String name, long viewId, long pending) {
        if (dao.dropGeneration(viewId, pending, clock.millis()) == 1) {
            changed(name);
        }
    }

    /** Refuses to delete an active view: deactivate first, so no reader or ingest loses it by surprise. */
    public void delete(String name) {
        ViewRow row = row(name);
        if (!row.status().equals(ViewStatus.INACTIVE.name())) {
            throw Refused.conflict("status", "view '" + name + "' is " + row.status()
                    + "; deactivate it before deleting");
        }
        if (dao.delete(row.id(), ViewStatus.INACTIVE.name()) != 1) {
            throw Refused.conflict("status", "view '" + name + "' changed while deleting; read it again");
        }
        changed(name);
    }

    private ViewDefinition validOrThrow(ViewSpec spec) {
        List<FieldError> errors = new ArrayList<>();
        ViewDefinition definition = validator.validate(spec, errors);
        if (!errors.isEmpty()) {
            throw Refused.of(Refused.Kind.INVALID, "Invalid view definition", reasons(errors));
        }
        return definition;
    }

    private ViewRow row(String name) {
        return dao.findByName(name).orElseThrow(() -> Refused.notFound("no view named '"
                + Texts.abbreviate(name) + "'"));
    }

    private ViewDefinition currentDefinition(ViewRow row) {
        return dao.revision(row.id(), row.currentRevision()).map(this::read)
                .orElseThrow(() -> new IllegalStateException("view " + row.name() + " lacks revision " + row.currentRevision()));
    }

    private ViewDescriptor describe(ViewRow row, ViewDefinition definition) {
        return new ViewDescriptor(row.id(), row.name(), row.status(), row.currentRevision(), definition.isCaptured(),
                Instant.ofEpochMilli(row.createdAt()), Instant.ofEpochMilli(row.updatedAt()), definition,
                row.storageId(), row.pendingStorageId());
    }

    private String write(ViewDefinition definition) {
        try {
            return mapper.writeValueAsString(definition);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ViewDefinition read(RevisionRow row) {
        try {
            return mapper.readValue(row.definition(), ViewDefinition.class);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isUniqueViolation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && s.getSQLState() != null && s.getSQLState().startsWith("23")) {
                return true;
            }
        }
        return false;
    }

    private static List<Refused.Reason> reasons(List<FieldError> errors) {
        return errors.stream().map(e -> new Refused.Reason(e.field(), e.reason())).toList();
    }
}
