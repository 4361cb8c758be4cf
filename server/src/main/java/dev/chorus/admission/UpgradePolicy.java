package dev.chorus.admission;

import dev.chorus.config.Settings;
import dev.chorus.metrics.ChorusMetrics;
import dev.chorus.transport.ClientSocket;
import dev.chorus.transport.PendingConnections;
import io.vertx.core.MultiMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Base64;
import java.util.OptionalLong;

/**
 * Decides whether a WebSocket upgrade may proceed, before any socket exists, and counts the sockets it let
 * in until they close: the node's one count of open WebSockets (also behind GET /api/cluster), and their count
 * per client address. Refusals are counted in chorus_upgrades_refused_total by HTTP status; refusals for an
 * address over its limit are logged once a minute at most. It also holds the node's budget of HTTP
 * connections that are not WebSockets yet (twice the WebSockets it admits, within the file descriptors the open
 * WebSockets leave: {@link PendingConnections}).
 * Thread-safe: one per node, shared by its event loops.
 */
public final class UpgradePolicy {

  private static final Logger LOG = LoggerFactory.getLogger(UpgradePolicy.class);

  private final OriginPolicy origins;
  private final ConnectionLimiter connections;
  private final AddressLimiter addresses;
  private final PendingConnections pending;
  private final ChorusMetrics metrics;
  private final RefusalLog addressRefusals = new RefusalLog(LOG);
  private final ForeignOriginLog foreignOrigins = new ForeignOriginLog(System::nanoTime);
  /** What a /chat and an /echo socket's close does, one shared action each (not one per connection). */
  private final Runnable chatClosed;
  private final Runnable echoClosed;

  UpgradePolicy(OriginPolicy origins, ConnectionLimiter connections, AddressLimiter addresses,
                PendingConnections pending, ChorusMetrics metrics) {
    this.origins = origins;
    this.connections = connections;
    this.addresses = addresses;
    this.pending = pending;
    this.metrics = metrics;
    this.chatClosed = closeAction("chat");
    this.echoClosed = closeAction("echo");
  }

  /**
   * The node's policy: security.allowedOrigins (without it, the node's own origins by http.publicHost and
   * http.port), limits.maxConnectionsPerAddress, limits.maxConnections lowered to fit the process's open-file
   * limit (with one warning line when it is lowered), and a budget of twice as many connections not yet
   * upgraded, within the descriptors the open WebSockets leave.
   */
  public static UpgradePolicy forNode(Settings settings, ChorusMetrics metrics) {
    int configured = settings.limits().maxConnections();
    OptionalLong openFiles = OpenFileLimit.current();
    int limit = OpenFileLimit.connectionLimit(configured, openFiles);
    if (limit < configured) {
      LOG.warn("limits.maxConnections (MAX_CONNECTIONS) is {} but the open-file limit is {}: this node accepts at most {} "
        + "WebSockets (raise the hard limit above {}: ulimit -Hn, or the container's nofile hard value)", configured,
        openFiles.getAsLong(), limit, OpenFileLimit.descriptorsFor(configured));
    }
    OriginPolicy origins = new OriginPolicy(settings.security().allowedOrigins(), settings.http().publicHost(),
      settings.http().port(), OriginPolicy.interfaceAddresses());
    ConnectionLimiter connections = new ConnectionLimiter(limit);
    PendingConnections pending = new PendingConnections(OpenFileLimit.PENDING_PER_CONNECTION * limit,
      () -> OpenFileLimit.pendingRoom(openFiles, connections.count()));
    return new UpgradePolicy(origins, connections, new AddressLimiter(settings.limits().maxConnectionsPerAddress()),
      pending, metrics);
  }

  /**
   * The answer to an upgrade request with these headers from {@code client} (its address), on a connection to
   * {@code localAddress} (this node's end, an IP literal); a refusal is counted, and logged at most once a
   * minute for a foreign Origin or a full address.
   * An accepted upgrade holds a slot of its address until the socket {@link #opened} with it closes, or until
   * {@link #abandoned} when the handshake fails.
   */
  public Admission admit(MultiMap headers, String client, String localAddress) {
    Admission admission = decide(headers, client, localAddress);
    if (!admission.accepted()) {
      metrics.upgradeRefused(admission.httpStatus());
    }
    if (admission == Admission.FOREIGN_ORIGIN) {
      foreignOrigins.refused(headers.get("Origin"));
    }
    if (admission == Admission.ADDRESS_FULL) {
      addressRefusals.refused("Refused a WebSocket upgrade from {}: it holds {} (limits.maxConnectionsPerAddress, "
        + "MAX_CONNECTIONS_PER_ADDRESS)", client, addresses.count(client));
    }
    return admission;
  }

  private Admission decide(MultiMap headers, String client, String localAddress) {
    if (!validKey(headers.get("Sec-WebSocket-Key")) || headers.get("Sec-WebSocket-Version") == null) {
      return Admission.BAD_HANDSHAKE;
    }
    if (!origins.allows(headers.get("Origin"), localAddress)) {
      return Admission.FOREIGN_ORIGIN;
    }
    if (!connections.hasRoom()) {
      return Admission.NODE_FULL;
    }
    // Last: the slot it takes is the accepted upgrade's.
    if (!addresses.tryOpen(client)) {
      return Admission.ADDRESS_FULL;
    }
    return Admission.ACCEPTED;
  }

  /** RFC 6455 4.1: the key is the base64 encoding of 16 bytes. */
  private static boolean validKey(String key) {
    if (key == null) {
      return false;
    }
    try {
      return Base64.getDecoder().decode(key.trim()).length == 16;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * Counts an accepted socket of {@code client} (its address, as at {@link #admit}; null: none was taken) until
   * it closes: in the node's connections and in chorus_connections by endpoint (its path without the slash); its
   * address's slot, taken at {@link #admit}, is given back when it closes.
   */
  public void opened(ClientSocket socket, String client) {
    String endpoint = endpoint(socket.path());
    connections.opened();
    metrics.connectionOpened(endpoint);
    socket.onClosed(switch (endpoint) {
      case "chat" -> chatClosed;
      case "echo" -> echoClosed;
      default -> closeAction(endpoint);
    });
    if (addresses.enabled() && client != null) {
      socket.onClosed(() -> addresses.closed(client));
    }
  }

  /** An accepted upgrade of {@code client} that never became a socket: its address's slot is given back. */
  public void abandoned(String client) {
    addresses.closed(client);
  }

  private Runnable closeAction(String endpoint) {
    return () -> {
      connections.closed();
      metrics.connectionClosed(endpoint);
    };
  }

  /** The endpoint's name, one shared string per endpoint (not one per connection). */
  private static String endpoint(String path) {
    return switch (path) {
      case "/chat" -> "chat";
      case "/echo" -> "echo";
      default -> path.substring(1);
    };
  }

  /** WebSockets open on this node. */
  public int openConnections() {
    return connections.count();
  }

  /** The node's budget of HTTP connections not upgraded (yet) to WebSockets. */
  public PendingConnections pendingConnections() {
    return pending;
  }
}
