package dev.chorus.http;

import dev.chorus.admission.ClientAddresses;
import dev.chorus.admission.FailureLimiter;
import dev.chorus.admission.RefusalLog;
import dev.chorus.config.Settings;
import dev.chorus.transport.PeerAddresses;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The admin API's authentication: every call needs {@code Authorization: Bearer <ADMIN_TOKEN>}; 401 when it
 * is missing or wrong (compared in constant time), 403 for every call when no token is configured (the API
 * is off). A client address with admin.maxFailuresPerMinute (10) wrong bearer tokens within a minute gets 429
 * for every call until that minute is over, its right token included, so a token cannot be guessed at network
 * speed; such blocks are logged once a minute at most. Thread-safe (the limiter is the node's).
 */
final class AdminAuth implements Handler<RoutingContext> {

  private static final Logger LOG = LoggerFactory.getLogger(AdminAuth.class);

  private final byte[] token;
  private final PeerAddresses peers;
  private final ClientAddresses clients;
  private final FailureLimiter failures;
  private final RefusalLog blocks = new RefusalLog(LOG);

  AdminAuth(Settings.Admin admin, PeerAddresses peers, ClientAddresses clients, FailureLimiter failures) {
    this.peers = peers;
    this.token = admin.token().getBytes(StandardCharsets.UTF_8);
    this.clients = clients;
    this.failures = failures;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (token.length == 0) {
      JsonResponse.error(ctx, 403, "the admin API is off: set ADMIN_TOKEN to enable it");
      return;
    }
    String client = clients.of(peers.of(ctx.request()), ctx.request().headers());
    if (failures.blocked(client)) {
      JsonResponse.error(ctx, 429, "too many failed authentications from this address: try again in a minute");
      return;
    }
    String header = ctx.request().getHeader("Authorization");
    boolean bearer = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7);
    byte[] presented = bearer ? header.substring(7).trim().getBytes(StandardCharsets.UTF_8) : new byte[0];
    if (!MessageDigest.isEqual(token, presented)) {
      // Only a wrong bearer token is a guess; a call without one gets its 401 uncounted.
      if (bearer && failures.failed(client)) {
        blocks.refused("Blocked admin API calls from {} for a minute: {} failed authentications", client,
          failures.maxFailures());
      }
      ctx.response().putHeader("WWW-Authenticate", "Bearer");
      JsonResponse.error(ctx, 401, "missing or wrong bearer token");
      return;
    }
    ctx.next();
  }
}
