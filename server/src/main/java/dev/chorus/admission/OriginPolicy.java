package dev.chorus.admission;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which browser pages may open WebSockets here (security.allowedOrigins), checked on the upgrade's Origin
 * header. Empty list: the page's own origin (its host:port equals the request's Host) and pages served from
 * localhost. "*": any. Otherwise exactly the listed origins ({@code scheme://host[:port]}, case-insensitive).
 * A request without Origin is not from a browser and is let through: Origin protects browser users from
 * other sites, it does not authenticate programs.
 */
public final class OriginPolicy {

  private static final Set<String> LOCAL_HOSTS = Set.of("localhost", "127.0.0.1", "[::1]", "::1");

  private final List<String> allowed;
  private final boolean any;

  public OriginPolicy(List<String> allowedOrigins) {
    this.allowed = allowedOrigins.stream().map(o -> o.toLowerCase(Locale.ROOT)).toList();
    this.any = allowed.contains("*");
  }

  /** Whether an upgrade with this Origin header (may be null) to this Host header (may be null) is allowed. */
  public boolean allows(String origin, String host) {
    if (origin == null || any) {
      return true;
    }
    String normalized = origin.trim().toLowerCase(Locale.ROOT);
    if (!allowed.isEmpty()) {
      return allowed.contains(normalized);
    }
    URI uri;
    try {
      uri = new URI(normalized);
    } catch (Exception e) {
      return false;
    }
    String scheme = uri.getScheme();
    String originHost = uri.getHost();
    if (originHost == null || !("http".equals(scheme) || "https".equals(scheme))) {
      return false;
    }
    if (LOCAL_HOSTS.contains(originHost)) {
      return true;
    }
    return host != null && host.trim().toLowerCase(Locale.ROOT).equals(uri.getRawAuthority());
  }
}
