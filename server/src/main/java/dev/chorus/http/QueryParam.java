package dev.chorus.http;

import io.vertx.ext.web.RoutingContext;

/**
 * An integer query parameter as the request gave it: missing (absent or empty), malformed (not an integer,
 * or outside its range), or a value.
 */
record QueryParam(Kind kind, long value) {

  enum Kind { MISSING, MALFORMED, VALUE }

  /** The parameter {@code name} of the request, which must lie in [min, max]. */
  static QueryParam integer(RoutingContext ctx, String name, long min, long max) {
    String raw = ctx.queryParams().get(name);
    if (raw == null || raw.isEmpty()) {
      return new QueryParam(Kind.MISSING, 0);
    }
    try {
      long parsed = Long.parseLong(raw);
      return parsed < min || parsed > max ? new QueryParam(Kind.MALFORMED, 0) : new QueryParam(Kind.VALUE, parsed);
    } catch (NumberFormatException e) {
      return new QueryParam(Kind.MALFORMED, 0);
    }
  }

  boolean isMissing() {
    return kind == Kind.MISSING;
  }

  boolean isMalformed() {
    return kind == Kind.MALFORMED;
  }

  /** The value, or {@code absent} when missing; only when not malformed. */
  long orElse(long absent) {
    return kind == Kind.VALUE ? value : absent;
  }
}
