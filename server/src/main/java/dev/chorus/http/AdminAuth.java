package dev.chorus.http;

import dev.chorus.config.Settings;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The admin API's authentication: every call needs {@code Authorization: Bearer <ADMIN_TOKEN>}; 401 when it
 * is missing or wrong (compared in constant time), 403 for every call when no token is configured (the API
 * is off).
 */
final class AdminAuth implements Handler<RoutingContext> {

  private final byte[] token;

  AdminAuth(Settings.Admin admin) {
    this.token = admin.token().getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (token.length == 0) {
      JsonResponse.error(ctx, 403, "the admin API is off: set ADMIN_TOKEN to enable it");
      return;
    }
    String header = ctx.request().getHeader("Authorization");
    byte[] presented = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
      ? header.substring(7).trim().getBytes(StandardCharsets.UTF_8) : new byte[0];
    if (!MessageDigest.isEqual(token, presented)) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer");
      JsonResponse.error(ctx, 401, "missing or wrong bearer token");
      return;
    }
    ctx.next();
  }
}
