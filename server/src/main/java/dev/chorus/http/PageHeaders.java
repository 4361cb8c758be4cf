package dev.chorus.http;

import dev.chorus.cluster.MemberDirectory;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The gate of the browser client's files (GET / and the rest of webroot/), routed the {@link #PATHS} they
 * may have: a request whose path names none of them, or whose raw path holds an encoded slash or backslash ({@code %2F}, {@code %5C}, any case), is 404,
 * so the static handler behind it serves exactly webroot/'s files and nothing it would reach by decoding or
 * normalizing another path (which used to answer without the headers below, or fail with 500). Every file it
 * lets through, and every 304, carries:
 * <ul>
 *   <li>{@code Content-Security-Policy}: files only from this origin (no inline script or style), connections
 *   only to this origin and by WebSocket to the hosts the page may use (the request's {@code Host} and every
 *   member's address in /api/cluster, which the page fails over to), and no framing;</li>
 *   <li>{@code X-Content-Type-Options: nosniff};</li>
 *   <li>{@code Cache-Control: no-cache} and an {@code ETag} of the file's content: a browser revalidates on
 *   every load and gets 304 (answered here) while the file is unchanged, so a new release reaches a reloaded
 *   page at once, whichever node answers. The static handler's own caching headers are off: its
 *   Last-Modified is when a node first served the file, which differs between nodes.</li>
 * </ul>
 * Without a cluster view (the cluster is in trouble) the policy names the request's Host only. Thread-safe:
 * the ETags are computed once per file, from the classpath, and shared by the event loops.
 */
final class PageHeaders implements Handler<RoutingContext> {

  /**
   * The paths this handler is routed: "/" (index.html) and the names webroot/'s files may have (it has no
   * subdirectories). Other paths go on to the routes mounted after it (the admin API) or to the router's 404.
   */
  static final String PATHS = "/(?:[A-Za-z0-9_-][A-Za-z0-9._-]{0,99})?";
  private static final Pattern FILE = Pattern.compile(PATHS);
  /** An encoded {@code /} or {@code \\} in a raw path: decoded, it would name another path than the one checked. */
  private static final Pattern ENCODED_SEPARATOR = Pattern.compile("%(?:2f|5c)", Pattern.CASE_INSENSITIVE);
  /** A host[:port] that may stand in a CSP host-source: a DNS name or IPv4 address, an optional port. */
  private static final Pattern HOST_SOURCE = Pattern.compile("[A-Za-z0-9.-]{1,253}(?::\\d{1,5})?");

  private final MemberDirectory members;
  /** ETag by webroot file name; only files that exist are entered, so it holds at most one per file. */
  private final Map<String, String> etags = new ConcurrentHashMap<>();

  PageHeaders(MemberDirectory members) {
    this.members = members;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String etag = ENCODED_SEPARATOR.matcher(ctx.request().path()).find() ? null : etag(ctx.normalizedPath());
    if (etag == null) {
      // Not a file of the page: 404 before any cluster view is read or any file looked up. Not ctx.fail(404),
      // which Vert.x Web logs at ERROR: any client could flood the log.
      ctx.response().setStatusCode(404).end();
      return;
    }
    Set<String> hosts = new LinkedHashSet<>();
    addHost(hosts, ctx.request().getHeader("Host"));
    members.view().onComplete(view -> {
      if (view.succeeded()) {
        JsonArray list = view.result().getJsonArray("members", new JsonArray());
        list.stream().filter(JsonObject.class::isInstance)
          .forEach(member -> addHost(hosts, ((JsonObject) member).getString("httpAddress")));
      }
      ctx.response().headers()
        .set("Content-Security-Policy", policy(hosts))
        .set("X-Content-Type-Options", "nosniff")
        .set("Cache-Control", "no-cache")
        .set("ETag", etag);
      if (names(ctx.request().getHeader("If-None-Match"), etag)) {
        ctx.response().setStatusCode(304).end();
      } else {
        ctx.next();
      }
    });
  }

  /** Whether an If-None-Match header (null when absent) names {@code etag}: it, a list holding it, or *. */
  private static boolean names(String ifNoneMatch, String etag) {
    if (ifNoneMatch == null) {
      return false;
    }
    for (String tag : ifNoneMatch.split(",")) {
      String trimmed = tag.trim();
      if (trimmed.equals(etag) || trimmed.equals("W/" + etag) || trimmed.equals("*")) {
        return true;
      }
    }
    return false;
  }

  private static void addHost(Set<String> hosts, String host) {
    if (host != null && HOST_SOURCE.matcher(host).matches()) {
      hosts.add(host.toLowerCase(Locale.ROOT));
    }
  }

  /** The strong ETag of the webroot file at {@code path}, null when there is none. */
  private String etag(String path) {
    String file = "/".equals(path) ? "index.html" : FILE.matcher(path).matches() ? path.substring(1) : null;
    if (file == null) {
      return null;
    }
    String known = etags.get(file);
    if (known != null) {
      return known;
    }
    // Read once per file: a few KiB from the jar already open.
    try (InputStream content = PageHeaders.class.getClassLoader()
      .getResourceAsStream(HttpRoutes.WEBROOT + "/" + file)) {
      if (content == null) {
        return null;
      }
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(content.readAllBytes());
      String etag = '"' + Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 22) + '"';
      etags.put(file, etag);
      return etag;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java platform", e);
    }
  }

  /** The policy for a page that may open WebSockets to {@code hosts} (host[:port] each). */
  static String policy(Set<String> hosts) {
    StringBuilder connect = new StringBuilder("'self'");
    hosts.forEach(host -> connect.append(" ws://").append(host).append(" wss://").append(host));
    return "default-src 'self'; connect-src " + connect + "; frame-ancestors 'none'; base-uri 'none'; "
      + "form-action 'none'; object-src 'none'";
  }
}
