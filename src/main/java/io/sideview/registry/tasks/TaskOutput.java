package io.sideview.registry.tasks;

import io.sideview.api.FieldError;
import io.sideview.api.ProblemException;
import java.io.PrintWriter;

/** Tasks answer humans: a refusal is printed as one line per reason rather than a stack trace. */
final class TaskOutput {
    private TaskOutput() {}

    static void refused(ProblemException e, PrintWriter output) {
        if (e.problem().errors().isEmpty()) {
            output.println("refused: " + e.problem().detail());
        }
        for (FieldError error : e.problem().errors()) {
            output.println("refused: " + error.field() + ": " + error.reason());
        }
    }
}
