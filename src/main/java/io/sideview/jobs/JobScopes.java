package io.sideview.jobs;

import io.sideview.errors.Refused;
import io.sideview.jobs.api.JobScope;
import io.sideview.registry.api.ViewDescriptor;
import java.util.List;

/** Whether a client's job request may take the scope (nodes, range, sample) it gives. */
final class JobScopes {
    private JobScopes() {}

    static void check(JobType type, ViewDescriptor v, JobScope scope) {
        List<Refused.Reason> wrong = new java.util.ArrayList<>();
        if (!type.scoped()) {
            wrong.add(new Refused.Reason(scope.sample() != null ? "sample" : "from",
                    type + " covers every node; only SOURCE_VERIFY and REPAIR take a scope"));
        } else if (v.definition().binding() == null) {
            wrong.add(new Refused.Reason("view", "view '" + v.name() + "' has no binding: there is no source to compare with"));
        } else {
            if (scope.sample() != null && (scope.from() != null || scope.to() != null)) {
                wrong.add(new Refused.Reason("sample", "give either a sample or a range (from, to), not both"));
            }
            if (scope.sample() != null && (scope.sample() < 1 || scope.sample() > JobService.MAX_SAMPLE)) {
                wrong.add(new Refused.Reason("sample", "must be between 1 and " + JobService.MAX_SAMPLE));
            }
            Class<?> idClass = v.definition().sourceType() == io.sideview.registry.model.IdType.LONG ? Long.class : String.class;
            for (var bound : List.of(java.util.Map.entry("from", java.util.Optional.ofNullable(scope.from())),
                    java.util.Map.entry("to", java.util.Optional.ofNullable(scope.to())))) {
                bound.getValue().filter(b -> !idClass.isInstance(b)).ifPresent(b -> wrong.add(new Refused.Reason(bound.getKey(),
                        "must be a source id of view '" + v.name() + "' (" + (idClass == Long.class ? "an integer" : "a string") + ")")));
            }
            if (wrong.isEmpty() && scope.from() != null && scope.to() != null && !scope.inRange(scope.to())) {
                wrong.add(new Refused.Reason("to", "must not be below from"));
            }
        }
        if (!wrong.isEmpty()) {
            throw Refused.of(Refused.Kind.INVALID, "Invalid job request", wrong);
        }
    }

    static Refused invalid(String field, String reason) {
        return Refused.of(Refused.Kind.INVALID, "Invalid job request", List.of(new Refused.Reason(field, reason)));
    }
}
