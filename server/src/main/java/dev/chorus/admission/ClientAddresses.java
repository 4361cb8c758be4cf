package dev.chorus.admission;

import dev.chorus.config.AddressRange;
import io.vertx.core.MultiMap;
import io.vertx.core.net.SocketAddress;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Who a connection's client is, for per-address limits and operators' logs: its peer's address (with
 * server.proxyProtocol, the PROXY header's source address: transport.PeerAddresses), or, when
 * that peer is one of server.trustedProxies, the last address of {@code X-Forwarded-For} that is not itself a
 * trusted proxy. An X-Forwarded-For from any other peer is ignored: a client can write anything there.
 * Immutable; thread-safe.
 */
public final class ClientAddresses {

  private final List<AddressRange> trusted;

  public ClientAddresses(List<String> trustedProxies) {
    this.trusted = trustedProxies.stream().map(AddressRange::parse).toList();
  }

  /** The client's address for a request from {@code peer} with these {@code headers}. */
  public String of(SocketAddress peer, MultiMap headers) {
    String host = peer == null ? "" : peer.hostAddress() != null ? peer.hostAddress() : String.valueOf(peer.host());
    return of(host, headers == null ? List.of() : headers.getAll("X-Forwarded-For"));
  }

  /**
   * The client's address for a connection from {@code peer} (an IP literal) whose request carried the
   * X-Forwarded-For values {@code forwardedFor} (each comma-separated, oldest hop first; empty for none).
   */
  public String of(String peer, List<String> forwardedFor) {
    String client = hostOf(peer);
    if (forwardedFor.isEmpty() || !isTrusted(client)) {
      return client;
    }
    List<String> hops = forwardedFor.stream().flatMap(value -> List.of(value.split(",")).stream()).toList();
    for (int i = hops.size() - 1; i >= 0; i--) {
      String hop = hostOf(hops.get(i).trim());
      if (hop.isEmpty()) {
        continue;
      }
      client = hop;
      if (!isTrusted(hop)) {
        break;
      }
    }
    return client;
  }

  private boolean isTrusted(String address) {
    if (trusted.isEmpty()) {
      return false;
    }
    byte[] bytes = AddressRange.literal(address);
    for (AddressRange range : trusted) {
      if (range.contains(bytes)) {
        return true;
      }
    }
    return false;
  }

  /**
   * A hop without the port some proxies add ({@code 192.0.2.1:4711}, {@code [2001:db8::1]:4711}), in its
   * canonical text when it is an IP literal, so that one address is one key.
   */
  static String hostOf(String hop) {
    String host = hop;
    if (host.startsWith("[")) {
      int end = host.indexOf(']');
      host = end < 0 ? host : host.substring(1, end);
    } else if (host.indexOf(':') >= 0 && host.indexOf(':') == host.lastIndexOf(':')) {
      host = host.substring(0, host.indexOf(':'));
    }
    byte[] bytes = AddressRange.literal(host);
    if (bytes == null) {
      return host;
    }
    try {
      return InetAddress.getByAddress(bytes).getHostAddress();
    } catch (UnknownHostException e) {
      return host;
    }
  }
}
