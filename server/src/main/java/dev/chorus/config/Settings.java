package dev.chorus.config;

import java.util.List;
import java.util.Set;

/**
 * Every setting of a node, immutable. Defaults live in conf/config.json (packaged in the jar) and are
 * documented in README.md; {@link SettingsLoader} reads them and applies environment overrides.
 */
public record Settings(Http http, Cluster cluster, Server server, History history, Admin admin, Limits limits,
                       Security security, Logging logging) {

  /**
   * Where clients connect.
   *
   * @param host       address the HTTP/WebSocket server binds
   * @param port       HTTP/WebSocket port
   * @param publicHost the host other nodes and operators reach this node's HTTP port on, as /api/cluster
   *                   reports it; empty means {@link Cluster#host()}
   */
  public record Http(String host, int port, String publicHost) {

    /** {@link #publicHost()}, or the cluster host when it is empty. */
    public String advertisedHost(Cluster cluster) {
      return publicHost.isBlank() ? cluster.host() : publicHost;
    }
  }

  /**
   * How this node finds and talks to its peers.
   *
   * @param name        Hazelcast cluster name: only nodes with the same name join each other
   * @param host        the address this node binds and advertises for Hazelcast and the event bus
   * @param port        Hazelcast member port
   * @param members     host[:port] of members to join; empty means this node alone
   * @param eventBusPort event-bus TCP port; 0 picks a free one
   */
  public record Cluster(String name, String host, int port, List<String> members, int eventBusPort) {
    public Cluster {
      members = List.copyOf(members);
    }
  }

  /**
   * The WebSocket server.
   *
   * @param instances              event loops, one server verticle on each sharing the HTTP port; 0 means one per core
   * @param maxMessageBytes        largest WebSocket message (and frame) accepted
   * @param shutdownTimeoutSeconds how long a SIGTERM waits for sockets to close before leaving the cluster
   */
  public record Server(int instances, int maxMessageBytes, int shutdownTimeoutSeconds) {
  }

  /**
   * Room history.
   *
   * @param size chat messages retained per room, replicated once; resume with {@code since} reaches this far
   *             back. Every node of a cluster must use the same value.
   */
  public record History(int size) {
  }

  /**
   * The admin HTTP API under /api.
   *
   * @param token bearer token the API requires; empty turns the API off (every call answers 403)
   */
  public record Admin(String token) {
    public boolean enabled() {
      return !token.isEmpty();
    }

    @Override
    public String toString() {
      return "Admin[token=" + (enabled() ? "(set)" : "(none)") + "]";
    }
  }

  /**
   * What one client may do and cost; README "Limits and security" lists each limit's answer.
   *
   * @param maxConnections            open WebSockets per node (lowered to fit the open-file limit); beyond, an
   *                                  upgrade is refused with 503
   * @param maxChatChars              longest chat message in characters; longer gets an error reply
   * @param maxNameChars              longest name in characters (at least 1, no control characters)
   * @param maxRoomsPerConnection     rooms one connection may be in at once
   * @param messagesPerSecond         token-bucket refill rate of one connection's messages
   * @param messageBurst              token-bucket size: messages a connection may send at once
   * @param abuseRejections           rate-limited messages within 10 seconds after which the connection is closed with 1008
   * @param writeQueueMaxBytes        outbound bytes queued for one connection before its deliveries are dropped
   * @param slowConsumerTimeoutMillis how long a connection's queue may stay full before it is closed
   * @param pingIntervalSeconds       how often the server pings each connection
   * @param idleTimeoutSeconds        a connection silent this long (no frame, no pong) is closed
   */
  public record Limits(int maxConnections, int maxChatChars, int maxNameChars, int maxRoomsPerConnection,
                       int messagesPerSecond, int messageBurst, int abuseRejections, int writeQueueMaxBytes,
                       int slowConsumerTimeoutMillis, int pingIntervalSeconds, int idleTimeoutSeconds) {
  }

  /**
   * Who may connect and how.
   *
   * @param allowedOrigins    Origin headers accepted on upgrades; empty means same-origin and localhost, "*" any
   * @param jwtSecret         HS256 secret; with it (or a public key) every /chat connection must authenticate
   * @param jwtPublicKeyPath  PEM file of an RS256 public key; empty for none
   * @param tlsKeyPath        PEM private key for wss/https; empty (with the certificate) for plain ws/http
   * @param tlsCertPath       PEM certificate chain for wss/https
   */
  public record Security(List<String> allowedOrigins, String jwtSecret, String jwtPublicKeyPath,
                         String tlsKeyPath, String tlsCertPath) {
    public Security {
      allowedOrigins = List.copyOf(allowedOrigins);
    }

    /** Whether /chat connections must present a verified token. */
    public boolean jwtEnabled() {
      return !jwtSecret.isEmpty() || !jwtPublicKeyPath.isEmpty();
    }

    /** Whether the server speaks TLS. */
    public boolean tlsEnabled() {
      return !tlsKeyPath.isEmpty();
    }

    @Override
    public String toString() {
      return "Security[allowedOrigins=" + allowedOrigins + ", jwtSecret=" + (jwtSecret.isEmpty() ? "(none)" : "(set)")
        + ", jwtPublicKeyPath=" + jwtPublicKeyPath + ", tlsKeyPath=" + tlsKeyPath + ", tlsCertPath=" + tlsCertPath + "]";
    }
  }

  /**
   * Log output.
   *
   * @param format {@code text}: one readable line per event; {@code json}: one JSON object per line
   */
  public record Logging(String format) {
    /** The accepted values of {@code format}. */
    public static final Set<String> FORMATS = Set.of("text", "json");
  }
}
