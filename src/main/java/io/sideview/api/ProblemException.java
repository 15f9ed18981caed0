package io.sideview.api;

import java.util.List;

/** Thrown anywhere a request must be refused; {@link ProblemExceptionMapper} turns it into problem+json. */
public class ProblemException extends RuntimeException {
    private final transient Problem problem;

    public ProblemException(Problem problem) {
        super(problem.detail());
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }

    public static ProblemException badRequest(String field, String reason) {
        return invalid(400, "Bad request", List.of(new FieldError(field, reason)));
    }

    public static ProblemException invalid(int status, String title, List<FieldError> errors) {
        String detail = errors.size() == 1
                ? errors.get(0).field() + ": " + errors.get(0).reason()
                : errors.size() + " problems, first: " + errors.get(0).field() + ": " + errors.get(0).reason();
        return new ProblemException(new Problem("about:blank", title, status, detail, errors));
    }

    public static ProblemException notFound(String detail) {
        return new ProblemException(Problem.of(404, "Not found", detail));
    }

    public static ProblemException conflict(String field, String reason) {
        return invalid(409, "Conflict", List.of(new FieldError(field, reason)));
    }
}
