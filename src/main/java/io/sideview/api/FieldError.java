package io.sideview.api;

/** One reason a request was refused, with the JSON path of the field it concerns ({@code properties[2].type}). */
public record FieldError(String field, String reason) {}
