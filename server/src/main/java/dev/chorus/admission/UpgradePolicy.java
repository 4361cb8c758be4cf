package dev.chorus.admission;

import dev.chorus.config.Settings;
import dev.chorus.metrics.ChorusMetrics;
import dev.chorus.transport.ClientSocket;
import io.vertx.core.MultiMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Base64;
import java.util.OptionalLong;

/**
 * Decides whether a WebSocket upgrade may proceed, before any socket exists, and counts the sockets it let
 * in until they close: the node's one count of open WebSockets (also behind GET /api/cluster). Refusals are
 * counted in chorus_upgrades_refused_total by HTTP status. Thread-safe: one per node, shared by its event loops.
 */
public final class UpgradePolicy {

  private static final Logger LOG = LoggerFactory.getLogger(UpgradePolicy.class);

  private final OriginPolicy origins;
  private final ForeignOriginLog foreignOrigins = new ForeignOriginLog(System::nanoTime);
  private final ConnectionLimiter connections;
  private final ChorusMetrics metrics;
  /** What a /chat and an /echo socket's close does, one shared action each (not one per connection). */
  private final Runnable chatClosed;
  private final Runnable echoClosed;

  public UpgradePolicy(OriginPolicy origins, ConnectionLimiter connections, ChorusMetrics metrics) {
    this.origins = origins;
    this.connections = connections;
    this.metrics = metrics;
    this.chatClosed = closeAction("chat");
    this.echoClosed = closeAction("echo");
  }

  /**
   * The node's policy: security.allowedOrigins (without it, the node's own origins by http.publicHost and
   * http.port), and limits.maxConnections lowered to fit the process's open-file limit (with one warning line
   * when it is lowered).
   */
  public static UpgradePolicy forNode(Settings settings, ChorusMetrics metrics) {
    int configured = settings.limits().maxConnections();
    OptionalLong openFiles = OpenFileLimit.current();
    int limit = OpenFileLimit.connectionLimit(configured, openFiles);
    if (limit < configured) {
      LOG.warn("limits.maxConnections (MAX_CONNECTIONS) is {} but the open-file limit is {}: this node accepts at most {} "
        + "WebSockets (raise the hard limit: ulimit -Hn, or the container's nofile hard value)", configured,
        openFiles.getAsLong(), limit);
    }
    OriginPolicy origins = new OriginPolicy(settings.security().allowedOrigins(), settings.http().publicHost(),
      settings.http().port(), OriginPolicy.interfaceAddresses());
    return new UpgradePolicy(origins, new ConnectionLimiter(limit), metrics);
  }

  /**
   * The answer to an upgrade request with these headers, on a connection to {@code localAddress} (this
   * node's end, an IP literal); a refusal is counted, one for its Origin logged.
   */
  public Admission admit(MultiMap headers, String localAddress) {
    Admission admission = decide(headers, localAddress);
    if (!admission.accepted()) {
      metrics.upgradeRefused(admission.httpStatus());
    }
    if (admission == Admission.FOREIGN_ORIGIN) {
      foreignOrigins.refused(headers.get("Origin"));
    }
    return admission;
  }

  private Admission decide(MultiMap headers, String localAddress) {
    if (!validKey(headers.get("Sec-WebSocket-Key")) || headers.get("Sec-WebSocket-Version") == null) {
      return Admission.BAD_HANDSHAKE;
    }
    if (!origins.allows(headers.get("Origin"), localAddress)) {
      return Admission.FOREIGN_ORIGIN;
    }
    if (!connections.hasRoom()) {
      return Admission.NODE_FULL;
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
   * Counts an accepted socket until it closes: in the node's connections and in chorus_connections by
   * endpoint (its path without the slash).
   */
  public void opened(ClientSocket socket) {
    String endpoint = endpoint(socket.path());
    connections.opened();
    metrics.connectionOpened(endpoint);
    socket.onClosed(switch (endpoint) {
      case "chat" -> chatClosed;
      case "echo" -> echoClosed;
      default -> closeAction(endpoint);
    });
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
}
