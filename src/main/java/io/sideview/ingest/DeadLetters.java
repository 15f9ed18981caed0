package io.sideview.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sideview.api.Texts;
import io.sideview.edge.DirectWriter;
import io.sideview.edge.Mutation;
import io.sideview.edge.SideRouter;
import io.sideview.edge.ViewCatalog;
import io.sideview.edge.ViewLayout;
import io.sideview.edge.WalCodec;
import io.sideview.ingest.db.DeadLetterDao;
import io.sideview.ingest.db.DeadLetterRow;
import java.io.IOException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one place dead letters are written and retried, for the CDC mapper and the WAL consumer alike.
 * A dead letter names its view by id and name and keeps its payload in one of two formats
 * ({@link DeadLetterKind}), so every one of them can be retried: a row change is mapped again with
 * the view as it is now and written like a direct write (whole on every side; on one node applied and
 * synced before it is RESOLVED, with the WAL durable in it and sent to the node sides' owners); a WAL
 * record is decoded again (a later build may read it) and written the same way, its one side alone.
 */
public class DeadLetters {
    private final DeadLetterDao dao;
    private final ObjectMapper json;
    private final Clock clock;
    private final ViewCatalog catalog;
    private final DirectWriter writes;

    public DeadLetters(DeadLetterDao dao, ObjectMapper json, Clock clock, ViewCatalog catalog, DirectWriter writes) {
        this.dao = dao;
        this.json = json;
        this.clock = clock;
        this.catalog = catalog;
        this.writes = writes;
    }

    /**
     * A captured row that a view's binding could not map. Binary values are kept as the UTF-8 text the
     * mapper reads them as (JSON would turn them into base64 text, which maps to another id); every
     * other value maps the same after the JSON round trip (a Long read back as an Integer converts alike).
     */
    public void rowChange(CaptureTarget target, RowChange change, String reason) {
        String payload;
        try {
            payload = json.writeValueAsString(new RowChange(change.shard(), change.database(), change.table(), change.op(),
                    textOfBinary(change.before()), textOfBinary(change.after()), change.position(), change.snapshot()));
        } catch (JsonProcessingException e) {
            payload = "{\"unserializable\":\"" + e.getOriginalMessage().replace('"', '\'') + "\"}";
        }
        dao.add(target.layout().storageId(), target.viewName(), DeadLetterKind.ROW_CHANGE, change.shard(),
                change.position().toString(), Texts.abbreviate(reason, 1000), payload, clock.millis());
    }

    private static java.util.Map<String, Object> textOfBinary(java.util.Map<String, Object> row) {
        if (row == null) {
            return null;
        }
        java.util.Map<String, Object> out = new java.util.HashMap<>(row);
        out.replaceAll((column, v) -> v instanceof byte[] || v instanceof java.nio.ByteBuffer ? RowMapper.text(v) : v);
        return out;
    }

    /** A WAL record this build could not decode, kept with its position and bytes. */
    public void walRecord(String where, byte[] record, String reason) {
        dao.add(null, "unknown", DeadLetterKind.WAL_RECORD, "wal", where, Texts.abbreviate(reason, 1000),
                HexFormat.of().formatHex(record), clock.millis());
    }

    /** The outcome of a retry, for the caller to report. */
    public enum Retried { RESOLVED, STILL_PENDING, NOT_APPLIED }

    /**
     * Retries a pending dead letter: RESOLVED when applied and durable, STILL_PENDING with the new
     * reason when it still cannot be read or mapped, NOT_APPLIED when storage failed (nothing changes;
     * retry later). A row change of a view known only by name (written before view ids were kept)
     * needs that view active.
     */
    public Retried retry(DeadLetterRow row) {
        try {
            if (row.kind() == DeadLetterKind.WAL_RECORD) {
                return retryWalRecord(row);
            }
            Optional<ViewLayout> layout = row.viewId() == null ? Optional.of(catalog.active(row.viewName()).layout())
                    : catalog.generation(row.viewId(), row.viewName());
            if (layout.isEmpty()) {
                return pending(row, "view '" + row.viewName() + "' (id " + row.viewId() + ") no longer exists");
            }
            RowChange change = json.readValue(row.payload(), RowChange.class);
            List<Mutation> mutations = RowMapper.map(change, layout.get().definition());
            if (!mutations.isEmpty()) {
                for (DirectWriter.Outcome o : writes.write(Map.of(layout.get(), mutations), DirectWriter.Wait.APPLIED)) {
                    if (o.failure() != null) {
                        return Retried.NOT_APPLIED;
                    }
                }
            }
            dao.update(row.id(), DeadLetterStatus.RESOLVED, row.reason(), clock.millis());
            return Retried.RESOLVED;
        } catch (RowMapper.Unmappable e) {
            return pending(row, e.getMessage());
        } catch (IOException e) {
            return pending(row, "payload unreadable: " + e.getMessage());
        }
    }

    private Retried retryWalRecord(DeadLetterRow row) {
        WalCodec.SideRecord record;
        try {
            record = WalCodec.decodeSide(HexFormat.of().parseHex(row.payload()));
        } catch (WalCodec.Unreadable | IllegalArgumentException e) {
            return pending(row, "unreadable WAL record: " + e.getMessage());
        }
        Optional<ViewLayout> layout = catalog.generation(record.viewId(), record.view());
        if (layout.isPresent() && writes.writeSide(SideRouter.route(layout.get(), record.side(), record.mutation()),
                DirectWriter.Wait.APPLIED).failure() != null) {
            return Retried.NOT_APPLIED;
        }
        // A record of a deleted view has nothing left to apply to: resolved as the WAL consumer would skip it.
        dao.update(row.id(), DeadLetterStatus.RESOLVED, row.reason(), clock.millis());
        return Retried.RESOLVED;
    }

    private Retried pending(DeadLetterRow row, String reason) {
        dao.update(row.id(), DeadLetterStatus.PENDING, Texts.abbreviate(reason, 1000), clock.millis());
        return Retried.STILL_PENDING;
    }
}
