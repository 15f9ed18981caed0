package io.sideview.registry.tasks;

import io.sideview.errors.Refused;
import java.io.PrintWriter;

/** Tasks answer humans: a refusal is printed as one line per reason rather than a stack trace. */
final class TaskOutput {
    private TaskOutput() {}

    static void refused(Refused e, PrintWriter output) {
        if (e.reasons().isEmpty()) {
            output.println("refused: " + e.detail());
        }
        for (Refused.Reason r : e.reasons()) {
            output.println("refused: " + r.field() + ": " + r.reason());
        }
    }
}
