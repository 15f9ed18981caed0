package io.sideview.errors;

import java.util.List;

/**
 * A request the service refuses, said in the domain's terms: what kind of refusal, a title, and which
 * fields (a JSON path or a parameter name) are wrong and why. Services throw it; the HTTP layer (the
 * api package's mappers, the query filter, the admin tasks) chooses the status and the wire format,
 * so no service decides an HTTP status.
 */
public class Refused extends RuntimeException {
    /** What kind of refusal: the HTTP layer maps each to one status. */
    public enum Kind {
        /** Malformed input: a parameter or a body that cannot be read as asked. */
        BAD_INPUT,
        /** What the request names does not exist. */
        NOT_FOUND,
        /** The request is well formed but conflicts with the current state. */
        CONFLICT,
        /** The input is larger than allowed. */
        TOO_LARGE,
        /** A well-formed document that is not a valid one (a view definition). */
        INVALID
    }

    /** One wrong field and why. */
    public record Reason(String field, String reason) {}

    private final Kind kind;
    private final String title;
    private final transient List<Reason> reasons;

    public Refused(Kind kind, String title, String detail, List<Reason> reasons) {
        super(detail, null, false, false);
        this.kind = kind;
        this.title = title;
        this.reasons = List.copyOf(reasons);
    }

    public Kind kind() {
        return kind;
    }

    public String title() {
        return title;
    }

    public List<Reason> reasons() {
        return reasons;
    }

    public String detail() {
        return getMessage();
    }

    public static Refused badInput(String field, String reason) {
        return of(Kind.BAD_INPUT, "Bad request", List.of(new Reason(field, reason)));
    }

    public static Refused notFound(String detail) {
        return new Refused(Kind.NOT_FOUND, "Not found", detail, List.of());
    }

    public static Refused conflict(String field, String reason) {
        return of(Kind.CONFLICT, "Conflict", List.of(new Reason(field, reason)));
    }

    /** Several reasons of one kind, under a title of their own ("Invalid view definition", "Incompatible change"). */
    public static Refused of(Kind kind, String title, List<Reason> reasons) {
        String detail = reasons.size() == 1
                ? reasons.get(0).field() + ": " + reasons.get(0).reason()
                : reasons.size() + " problems, first: " + reasons.get(0).field() + ": " + reasons.get(0).reason();
        return new Refused(kind, title, detail, reasons);
    }
}
