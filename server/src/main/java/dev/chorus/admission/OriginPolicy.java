package dev.chorus.admission;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Which browser pages may open WebSockets here (security.allowedOrigins), checked on the upgrade's Origin
 * header. "*": any. A list: exactly the listed origins ({@code scheme://host[:port]}, case-insensitive).
 * Empty: only this node's own origins, http or https with
 * <ul>
 *   <li>the host {@code http.publicHost} (when set) on the node's HTTP port or the scheme's default port (a
 *   proxy in front of it), or</li>
 *   <li>the host {@code localhost} or an IP literal on the node's HTTP port: the page this node serves, as
 *   README's tour opens it at http://localhost:8080.</li>
 * </ul>
 * Any other host name is refused, whatever the Host header says: under DNS rebinding an attacker's name
 * resolves to this node and the browser sends {@code Host} and {@code Origin} of that name alike. A loopback
 * origin on another port is another local program's page. A request without Origin is not from a browser and
 * is let through: Origin protects browser users from other sites, it does not authenticate programs.
 * Immutable.
 */
public final class OriginPolicy {

  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(?:\\.\\d{1,3}){3}");
  /** As java.net.URI gives an IPv6 literal's host: in brackets. */
  private static final Pattern IPV6 = Pattern.compile("\\[[0-9a-f:.]+(?:%[0-9a-z]+)?\\]");

  private final List<String> allowed;
  private final boolean any;
  private final String publicHost;
  private final int httpPort;

  /**
   * @param allowedOrigins security.allowedOrigins
   * @param publicHost     http.publicHost; blank when not set
   * @param httpPort       http.port
   */
  public OriginPolicy(List<String> allowedOrigins, String publicHost, int httpPort) {
    this.allowed = allowedOrigins.stream().map(o -> o.toLowerCase(Locale.ROOT)).toList();
    this.any = allowed.contains("*");
    this.publicHost = publicHost.trim().toLowerCase(Locale.ROOT);
    this.httpPort = httpPort;
  }

  /** Whether an upgrade with this Origin header (null when absent) is allowed. */
  public boolean allows(String origin) {
    if (origin == null || any) {
      return true;
    }
    String normalized = origin.trim().toLowerCase(Locale.ROOT);
    return allowed.isEmpty() ? isOwn(normalized) : allowed.contains(normalized);
  }

  private boolean isOwn(String origin) {
    URI uri;
    try {
      uri = new URI(origin);
    } catch (URISyntaxException e) {
      return false;
    }
    String scheme = uri.getScheme();
    String host = uri.getHost();
    if (host == null || !("http".equals(scheme) || "https".equals(scheme))) {
      return false;
    }
    int defaultPort = "https".equals(scheme) ? 443 : 80;
    int port = uri.getPort() < 0 ? defaultPort : uri.getPort();
    if (!publicHost.isEmpty() && publicHost.equals(host)) {
      return port == httpPort || port == defaultPort;
    }
    return port == httpPort && ("localhost".equals(host) || IPV4.matcher(host).matches()
      || IPV6.matcher(host).matches());
  }
}
