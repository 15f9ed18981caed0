package io.sideview.edge.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The outcome of one item of a mutation batch; {@code reason} is set when {@code status} is ERROR. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MutationResult(int index, Object source, Object target, String status, String reason) {}
