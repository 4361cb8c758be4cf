package dev.chorus.admission;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Which browser pages may open WebSockets here (security.allowedOrigins), checked on the upgrade's Origin
 * header. "*": any. A list: exactly the listed origins ({@code scheme://host[:port]}, case-insensitive).
 * Empty: only this node's own origins, http or https with
 * <ul>
 *   <li>the host {@code http.publicHost} (when set) on the node's HTTP port or the scheme's default port (a
 *   proxy in front of it), or</li>
 *   <li>on the node's HTTP port, the host {@code localhost}, a loopback address, or an address of this node:
 *   the upgrade's own local address or one of the machine's interfaces' (read at start): the page this node
 *   serves, as README's tour opens it at http://localhost:8080 or a colleague at http://192.168.1.20:8080.</li>
 * </ul>
 * Any other host name or address is refused, whatever the Host header says: under DNS rebinding an
 * attacker's name resolves to this node and the browser sends {@code Host} and {@code Origin} of that name
 * alike, and a page an attacker serves from their own address on this port may make a victim's browser open
 * WebSockets to a node on the victim's network. A loopback origin on another port is another local program's
 * page; an IPv6 literal with a zone ({@code %25eth0}) and 0.0.0.0 name no page of this node. A request without Origin is not from a browser and
 * is let through: Origin protects browser users from other sites, it does not authenticate programs.
 * Immutable.
 */
public final class OriginPolicy {

  /** An IPv4 literal in dotted decimal, each part 0-255 without leading zeros: parsed without a DNS lookup. */
  private static final Pattern IPV4 = Pattern.compile("(?:(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}"
    + "(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
  /** As java.net.URI gives an IPv6 literal's host: in brackets (which InetAddress parses as IPv6 only), no zone. */
  private static final Pattern IPV6 = Pattern.compile("\\[[0-9a-f:.]+\\]");

  private final List<String> allowed;
  private final boolean any;
  private final String publicHost;
  private final int httpPort;
  private final Set<InetAddress> nodeAddresses;

  /**
   * @param allowedOrigins security.allowedOrigins
   * @param publicHost     http.publicHost; blank when not set
   * @param httpPort       http.port
   * @param nodeAddresses  the machine's interface addresses ({@link #interfaceAddresses()})
   */
  public OriginPolicy(List<String> allowedOrigins, String publicHost, int httpPort, Set<InetAddress> nodeAddresses) {
    this.allowed = allowedOrigins.stream().map(o -> o.toLowerCase(Locale.ROOT)).toList();
    this.any = allowed.contains("*");
    this.publicHost = publicHost.trim().toLowerCase(Locale.ROOT);
    this.httpPort = httpPort;
    this.nodeAddresses = Set.copyOf(nodeAddresses);
  }

  /** The addresses of the machine's network interfaces now; none when they cannot be listed. */
  public static Set<InetAddress> interfaceAddresses() {
    try {
      return Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
        .flatMap(NetworkInterface::inetAddresses).collect(Collectors.toUnmodifiableSet());
    } catch (SocketException e) {
      return Set.of();
    }
  }

  /**
   * Whether an upgrade with this Origin header (null when absent) is allowed, on a connection whose local
   * address is {@code localAddress} (an IP literal as the socket gives it; null when unknown).
   */
  public boolean allows(String origin, String localAddress) {
    if (origin == null || any) {
      return true;
    }
    String normalized = origin.trim().toLowerCase(Locale.ROOT);
    return allowed.isEmpty() ? isOwn(normalized, localAddress) : allowed.contains(normalized);
  }

  private boolean isOwn(String origin, String localAddress) {
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
    if (port != httpPort) {
      return false;
    }
    if ("localhost".equals(host)) {
      return true;
    }
    InetAddress address = ipLiteral(host);
    return address != null && (address.isLoopbackAddress() || nodeAddresses.contains(address)
      || address.equals(ipLiteral(localAddress)));
  }

  /**
   * The address an IPv4 literal or bracketed IPv6 literal names (a socket's unbracketed IPv6 address and its
   * zone are taken too); null for anything else. Never a DNS lookup.
   */
  private static InetAddress ipLiteral(String host) {
    if (host == null) {
      return null;
    }
    String literal = IPV4.matcher(host).matches() || IPV6.matcher(host).matches() ? host
      : host.indexOf(':') >= 0 && host.indexOf('[') < 0 ? "[" + host.replaceFirst("%.*", "") + "]" : null;
    if (literal == null) {
      return null;
    }
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      return null;
    }
  }
}
