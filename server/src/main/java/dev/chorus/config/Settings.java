package dev.chorus.config;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Every setting of a node, immutable and checked: each record's constructor refuses a bad component with one
 * {@link SettingsException} line naming the setting and its environment variable, so a Settings that exists is
 * one a node can run with.
 *
 * <p>These records are the one definition of the settings: the components of Settings are the sections of
 * conf/config.json, the components of each section's record are its keys (JSON path {@code section.key}), and
 * each key's {@link Env} names the environment variable that overrides it. conf/config.json (packaged in the jar)
 * holds every default; each {@code @param} below states the same default, and the settings table of
 * docs/operations.md lists them all (SettingsDocsTest keeps the table, the file and the records in step).
 * {@link SettingsLoader} builds a Settings from them.
 */
public record Settings(Http http, Cluster cluster, Server server, History history, Admin admin, Limits limits,
                       Security security, Logging logging, Metrics metrics, Webhooks webhooks, Proxy proxy,
                       Rooms rooms) {

  public Settings {
    // The PROXY header comes before TLS on the wire, and the node reads it only once TLS is set up.
    if (server.proxyProtocol() && security.tlsEnabled()) {
      throw new SettingsException("server.proxyProtocol (PROXY_PROTOCOL) cannot be combined with security.tlsKeyPath "
        + "(TLS_KEY_PATH): terminate TLS at the proxy");
    }
    if ((!proxy.joinUrl().isEmpty() || !proxy.publishUrl().isEmpty()) && webhooks.secret().isEmpty()) {
      throw new SettingsException("proxy." + (proxy.joinUrl().isEmpty() ? "publishUrl (PUBLISH_PROXY_URL)"
        : "joinUrl (JOIN_PROXY_URL)") + " needs webhooks.secret (WEBHOOK_SECRET) to sign its requests");
    }
    // Private rooms are granted by JWT claims and room tokens, or by the join proxy: without any of them
    // nothing could ever join them.
    boolean joinProxy = !proxy.joinUrl().isEmpty();
    if (!security.jwtEnabled()) {
      if (rooms.defaults().privateRoom() && !(joinProxy && rooms.defaults().proxy())) {
        throw new SettingsException("rooms.defaults.private needs a way to grant: " + GRANT_KEYS);
      }
      for (String namespace : new TreeMap<>(rooms.namespaces()).keySet()) {
        RoomOptions options = rooms.namespaces().get(namespace);
        if (options.privateRoom() && !(joinProxy && options.proxy())) {
          throw new SettingsException("rooms.namespaces." + namespace + ".private needs a way to grant: " + GRANT_KEYS);
        }
      }
    }
  }

  private static final String GRANT_KEYS = "set security.jwtSecret (JWT_SECRET) or security.jwtPublicKeyPath "
    + "(JWT_PUBLIC_KEY_PATH), or proxy.joinUrl (JOIN_PROXY_URL) with \"proxy\": true";

  /**
   * Where clients connect.
   *
   * @param host       address the HTTP/WebSocket server binds, not blank. Default {@code 0.0.0.0}
   * @param port       HTTP/WebSocket port, 1-65535. Default {@code 8080}
   * @param publicHost the host other nodes and operators reach this node's HTTP port on, as /api/cluster
   *                   reports it; empty means {@link Cluster#host()}. Default empty
   * @param http2      whether the HTTP port also speaks HTTP/2: cleartext (h2c upgrade and prior knowledge) and,
   *                   with TLS, ALPN h2. Nothing of Chorus needs it (WebSockets upgrade from HTTP/1.1). Default
   *                   false
   */
  public record Http(@Env("HTTP_HOST") String host, @Env("HTTP_PORT") int port,
                     @Env("HTTP_PUBLIC_HOST") String publicHost, @Env("HTTP2") boolean http2) {
    public Http {
      Setting.of(Http.class, "port").requirePort(port, 1);
      Setting.of(Http.class, "host").requireText(host);
    }

    /** {@link #publicHost()}, or the cluster host when it is empty. */
    public String advertisedHost(Cluster cluster) {
      return publicHost.isBlank() ? cluster.host() : publicHost;
    }
  }

  /**
   * How this node finds and talks to its peers.
   *
   * @param name         Hazelcast cluster name, not blank: only nodes with the same name join each other.
   *                     Default {@code chorus}
   * @param host         the address this node binds and advertises for Hazelcast and the event bus: an address
   *                     of this machine (loopback allowed), not the wildcard. Default {@code 127.0.0.1}
   * @param port         Hazelcast member port, 1-65535. Default {@code 5701}
   * @param members      host[:port] of members to join; empty means this node alone. Default empty
   * @param eventBusPort event-bus TCP port, 0-65535; 0 picks a free one. Default {@code 0}
   * @param secret       the cluster secret, at least 32 characters, the same on every node: every event-bus
   *                     message between nodes is sealed with keys derived from it. Required when host is not a
   *                     loopback address (or secretFile). Default empty. Never printed.
   * @param secretFile   readable file holding the cluster secret (one trailing newline ignored), instead of
   *                     secret (for Docker and Kubernetes secrets); not both. Default empty
   */
  public record Cluster(@Env("CLUSTER_NAME") String name, @Env("CLUSTER_HOST") String host,
                        @Env("CLUSTER_PORT") int port, @Env("CLUSTER_MEMBERS") List<String> members,
                        @Env("EVENTBUS_PORT") int eventBusPort, @Env("CLUSTER_SECRET") String secret,
                        @Env("CLUSTER_SECRET_FILE") String secretFile) {
    /** The shortest cluster secret accepted. */
    public static final int MIN_SECRET_LENGTH = 32;

    public Cluster {
      members = List.copyOf(members);
      Setting.of(Cluster.class, "name").requireText(name);
      boolean loopback = requireLocalAddress(host);
      Setting.of(Cluster.class, "port").requirePort(port, 1);
      Setting.of(Cluster.class, "eventBusPort").requirePort(eventBusPort, 0);
      members.forEach(Cluster::requireMember);
      requireSecret(secret, secretFile, loopback);
    }

    /** The cluster secret (from secret, or read from secretFile), or empty for none. */
    public String secretValue() {
      return resolve(secret, secretFile);
    }

    private static String resolve(String secret, String secretFile) {
      if (secretFile.isEmpty()) {
        return secret;
      }
      try {
        String text = Files.readString(Path.of(secretFile), StandardCharsets.UTF_8);
        return text.endsWith("\r\n") ? text.substring(0, text.length() - 2)
          : text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
      } catch (IOException e) {
        throw Setting.of(Cluster.class, "secretFile").refused("must name a readable file, got '" + secretFile + "'");
      }
    }

    private static void requireSecret(String secret, String secretFile, boolean loopback) {
      Setting inline = Setting.of(Cluster.class, "secret");
      Setting file = Setting.of(Cluster.class, "secretFile");
      if (!secret.isEmpty() && !secretFile.isEmpty()) {
        throw inline.refused("and " + file.label() + " must not both be set");
      }
      if (secret.isEmpty() && secretFile.isEmpty()) {
        if (!loopback) {
          throw new SettingsException(inline.label() + " or " + file.label() + " must be set when "
            + Setting.of(Cluster.class, "host").label() + " is not a loopback address");
        }
        return;
      }
      if (resolve(secret, secretFile).length() < MIN_SECRET_LENGTH) {
        throw (secret.isEmpty() ? file.refused("must hold at least " + MIN_SECRET_LENGTH + " characters")
          : inline.refused("must be at least " + MIN_SECRET_LENGTH + " characters"));
      }
    }

    /** Whether the node has a cluster secret, so its event-bus messages are sealed. */
    public boolean sealed() {
      return !secret.isEmpty() || !secretFile.isEmpty();
    }

    @Override
    public String toString() {
      return "Cluster[name=" + name + ", host=" + host + ", port=" + port + ", members=" + members + ", eventBusPort="
        + eventBusPort + ", secret=" + (secret.isEmpty() ? "(none)" : "(set)") + ", secretFile=" + secretFile + "]";
    }

    /** Refuses a host that is not an address of this machine; true when it is a loopback address. */
    private static boolean requireLocalAddress(String host) {
      Setting setting = Setting.of(Cluster.class, "host");
      setting.requireText(host);
      try {
        InetAddress address = InetAddress.getByName(host);
        if (address.isAnyLocalAddress()) {
          throw setting.refused("must be an address peers can reach, not " + host);
        }
        if (!address.isLoopbackAddress() && NetworkInterface.getByInetAddress(address) == null) {
          throw setting.refused("must be an address of this machine, got " + host);
        }
        return address.isLoopbackAddress();
      } catch (UnknownHostException e) {
        throw setting.refused("must be a resolvable address, got '" + host + "'");
      } catch (SocketException e) {
        throw setting.refused("cannot be checked: " + e.getMessage());
      }
    }

    private static void requireMember(String member) {
      Setting setting = Setting.of(Cluster.class, "members");
      int colon = member.lastIndexOf(':');
      String host = colon < 0 ? member : member.substring(0, colon);
      if (host.isBlank()) {
        throw setting.refused("must list host[:port] entries, got '" + member + "'");
      }
      if (colon >= 0) {
        int port;
        try {
          port = Integer.parseInt(member.substring(colon + 1));
        } catch (NumberFormatException e) {
          throw setting.refused("must list host[:port] entries, got '" + member + "'");
        }
        if (port < 1 || port > 65535) {
          throw setting.refused("port of '" + member + "' must be a port number 1-65535, got " + port);
        }
      }
    }
  }

  /**
   * The WebSocket server.
   *
   * @param instances              event loops, one server verticle on each sharing the HTTP port, 0-256; 0 means
   *                               one per core. Default {@code 0}
   * @param maxMessageBytes        largest WebSocket message (and frame) accepted, 125-16777216. Default
   *                               {@code 65536}
   * @param shutdownTimeoutSeconds how long a SIGTERM waits for sockets to close before leaving the cluster,
   *                               0-3600. Default {@code 10}
   * @param memoryReturnSeconds    a node started by {@code Main} gives idle heap back to the system after this
   *                               long without a garbage collection (node.HeapReturn); 0 leaves the JVM's
   *                               defaults, and flags given on the command line are always left alone. 0-3600.
   *                               Default {@code 5}
   * @param perMessageDeflate      whether a client's permessage-deflate offer (RFC 7692) is accepted, always
   *                               without context takeover on the server's side, so that a message is compressed
   *                               once per node for every socket. Default {@code false}
   * @param writeDelayMillis       how long a delivery may wait for the next ones to the same socket, so that
   *                               they leave in one write system call, 0-100. 0 writes at the end of the event
   *                               loop's turn; a few milliseconds let a socket of a busy room get several
   *                               messages per write, at that much added latency. Replies (echo, errors, acks) and
   *                               replays never wait. Default {@code 0}
   * @param proxyProtocol          whether every connection opens with a PROXY protocol v1 or v2 header (HAProxy's
   *                               {@code send-proxy-v2}) whose source address is the client's; a connection without
   *                               one is closed. Only behind a proxy that always sends it; not with TLS on the
   *                               node. Default {@code false}
   * @param trustedProxies         IP addresses or CIDR ranges of proxies whose {@code X-Forwarded-For} names the
   *                               client: the last address in it that is not itself a trusted proxy. Default empty
   * @param handshakeTimeoutSeconds how long an HTTP connection may take to send a whole request (or its
   *                               WebSocket upgrade), from its opening or its previous answer, 1-3600; then it is
   *                               closed. Default {@code 10}
   */
  public record Server(@Env("SERVER_INSTANCES") int instances, @Env("MAX_MESSAGE_BYTES") int maxMessageBytes,
                       @Env("SHUTDOWN_TIMEOUT_SECONDS") int shutdownTimeoutSeconds,
                       @Env("MEMORY_RETURN_SECONDS") int memoryReturnSeconds,
                       @Env("PER_MESSAGE_DEFLATE") boolean perMessageDeflate,
                       @Env("WRITE_DELAY_MILLIS") int writeDelayMillis,
                       @Env("PROXY_PROTOCOL") boolean proxyProtocol,
                       @Env("TRUSTED_PROXIES") List<String> trustedProxies,
                       @Env("HANDSHAKE_TIMEOUT_SECONDS") int handshakeTimeoutSeconds) {
    public Server {
      trustedProxies = List.copyOf(trustedProxies);
      Setting trusted = Setting.of(Server.class, "trustedProxies");
      for (String range : trustedProxies) {
        try {
          AddressRange.parse(range);
        } catch (IllegalArgumentException e) {
          throw trusted.refused("must list IP addresses or CIDR ranges, got '" + range + "'");
        }
      }
      Setting.of(Server.class, "handshakeTimeoutSeconds").requireRange(handshakeTimeoutSeconds, 1, 3600);
      if (instances < 0 || instances > 256) {
        throw Setting.of(Server.class, "instances").refused("must be 0 (one per core) to 256, got " + instances);
      }
      Setting.of(Server.class, "maxMessageBytes").requireRange(maxMessageBytes, 125, 16 * 1024 * 1024);
      Setting.of(Server.class, "shutdownTimeoutSeconds").requireRange(shutdownTimeoutSeconds, 0, 3600);
      Setting.of(Server.class, "memoryReturnSeconds").requireRange(memoryReturnSeconds, 0, 3600);
      Setting.of(Server.class, "writeDelayMillis").requireRange(writeDelayMillis, 0, 100);
    }
  }

  /**
   * Room history.
   *
   * @param size          chat messages retained per room in cluster memory, replicated once, 1 to
   *                      {@link #MAX_SIZE}; with the memory store, resume with {@code since} reaches this far back.
   *                      Every node of a cluster must use the same value. Default {@code 1000}
   * @param store         where history lives: {@code memory} (cluster memory; lost when the whole cluster stops)
   *                      or {@code postgres} (committed to PostgreSQL before a chat is acked or broadcast).
   *                      Default {@code memory}
   * @param postgresUrl   with the postgres store, {@code postgresql://user:password@host:port/database}. Default
   *                      empty. Its password is never printed
   * @param retentionDays with the postgres store, days a message is kept; 0 keeps every message. Default 0
   * @param idleRoomSeconds with the memory store, seconds after which a room without members that stored no
   *                      message is forgotten (its next message starts a new epoch), 1 to 31536000. Every node of
   *                      a cluster must use the same value. Default {@code 86400}
   */
  public record History(@Env("HISTORY_SIZE") int size, @Env("HISTORY_STORE") String store,
                        @Env("HISTORY_POSTGRES_URL") String postgresUrl,
                        @Env("HISTORY_RETENTION_DAYS") int retentionDays,
                        @Env("HISTORY_IDLE_ROOM_SECONDS") int idleRoomSeconds) {
    /** Largest size: rooms x size x 2 copies must fit in memory. */
    public static final int MAX_SIZE = 100_000;
    /** {@link #store()}: cluster memory. */
    public static final String MEMORY = "memory";
    /** {@link #store()}: PostgreSQL. */
    public static final String POSTGRES = "postgres";
    private static final java.util.regex.Pattern POSTGRES_URL =
      java.util.regex.Pattern.compile("postgres(ql)?://[^:@/]+(:[^@/]*)?@[^:/@]+(:\\d{1,5})?/[^/?]+(\\?.*)?");

    public History {
      Setting.of(History.class, "size").requireRange(size, 1, MAX_SIZE);
      if (!MEMORY.equals(store) && !POSTGRES.equals(store)) {
        throw Setting.of(History.class, "store").refused("must be memory or postgres, got '" + store + "'");
      }
      if (POSTGRES.equals(store) && !POSTGRES_URL.matcher(postgresUrl).matches()) {
        throw Setting.of(History.class, "postgresUrl").refused("must be postgresql://user:password@host:port/database"
          + " with the postgres store, got '" + redacted(postgresUrl) + "'");
      }
      Setting.of(History.class, "retentionDays").requireRange(retentionDays, 0, 36_500);
      Setting.of(History.class, "idleRoomSeconds").requireRange(idleRoomSeconds, 1, 31_536_000);
    }

    public boolean durable() {
      return POSTGRES.equals(store);
    }

    /** A URL with its password (if any) replaced by ***. */
    public static String redacted(String url) {
      return url.replaceFirst("^([A-Za-z][A-Za-z0-9+.-]*://[^:@/]*:)[^@/]*@", "$1***@");
    }

    @Override
    public String toString() {
      return "History[size=" + size + ", store=" + store + ", postgresUrl=" + redacted(postgresUrl)
        + ", retentionDays=" + retentionDays + "]";
    }
  }

  /**
   * The admin HTTP API under /api.
   *
   * @param token                 bearer token the API requires, at least 16 printable ASCII characters without
   *                              spaces; empty turns the API off (every call answers 403). Default empty. Never
   *                              printed.
   * @param maxFailuresPerMinute  wrong bearer tokens one client address may present within a minute; past them
   *                              every call from it gets 429 until the minute is over, 1-10000. Default {@code 10}
   */
  public record Admin(@Env("ADMIN_TOKEN") String token,
                      @Env("ADMIN_MAX_FAILURES_PER_MINUTE") int maxFailuresPerMinute) {
    public Admin {
      if (!token.isEmpty() && (token.length() < 16 || !token.chars().allMatch(c -> c > 0x20 && c < 0x7f))) {
        throw Setting.of(Admin.class, "token").refused("must be empty (API off) or at least 16 printable "
          + "ASCII characters without spaces");
      }
      Setting.of(Admin.class, "maxFailuresPerMinute").requireRange(maxFailuresPerMinute, 1, 10_000);
    }

    public boolean enabled() {
      return !token.isEmpty();
    }

    @Override
    public String toString() {
      return "Admin[token=" + (enabled() ? "(set)" : "(none)") + ", maxFailuresPerMinute=" + maxFailuresPerMinute + "]";
    }
  }

  /**
   * What one client may do and cost; docs/operations.md lists each limit's answer.
   *
   * @param maxConnections            open WebSockets per node (lowered to fit the open-file limit), 1-1000000;
   *                                  beyond, an upgrade is refused with 503. Default {@code 100000}
   * @param maxChatChars              longest chat message in characters, 1-1000000; longer gets an error reply.
   *                                  Default {@code 4096}
   * @param maxNameChars              longest name in characters, 1-1000 (names have at least 1, no control
   *                                  characters). Default {@code 32}
   * @param maxRoomsPerConnection     rooms one connection may be in at once, 1-10000. Default {@code 16}
   * @param messagesPerSecond         token-bucket refill rate of one connection's messages, 1-100000. Default
   *                                  {@code 20}
   * @param messageBurst              token-bucket size: messages a connection may send at once, 1-100000.
   *                                  Default {@code 40}
   * @param abuseRejections           rate-limited messages within 10 seconds after which the connection is closed
   *                                  with 1008, 1-1000000. Default {@code 50}
   * @param writeQueueMaxBytes        outbound bytes queued for one connection before its deliveries are dropped,
   *                                  1024 to 2^30. Default {@code 1048576}
   * @param slowConsumerTimeoutMillis how long a connection's queue may stay full before it is closed,
   *                                  100-3600000. Default {@code 5000}
   * @param pingIntervalSeconds       how often the server pings each connection, 1-3600. Default {@code 20}
   * @param idleTimeoutSeconds        a connection silent this long (no frame, no pong) is closed, 1-86400 and
   *                                  greater than pingIntervalSeconds. Default {@code 60}
   * @param maxWhoMembers             most members one {@code who} answer lists (it always gives the room's
   *                                  count), 1-10000. Default {@code 100}
   * @param maxConnectionsPerAddress  open WebSockets per client address, 0-1000000; beyond, an upgrade is refused
   *                                  with 429. 0 turns the limit off. Default {@code 100}
   */
  public record Limits(@Env("MAX_CONNECTIONS") int maxConnections, @Env("MAX_CHAT_CHARS") int maxChatChars,
                       @Env("MAX_NAME_CHARS") int maxNameChars,
                       @Env("MAX_ROOMS_PER_CONNECTION") int maxRoomsPerConnection,
                       @Env("RATE_MESSAGES_PER_SECOND") int messagesPerSecond, @Env("RATE_BURST") int messageBurst,
                       @Env("RATE_ABUSE_REJECTIONS") int abuseRejections,
                       @Env("WRITE_QUEUE_MAX_BYTES") int writeQueueMaxBytes,
                       @Env("SLOW_CONSUMER_TIMEOUT_MS") int slowConsumerTimeoutMillis,
                       @Env("PING_INTERVAL_SECONDS") int pingIntervalSeconds,
                       @Env("IDLE_TIMEOUT_SECONDS") int idleTimeoutSeconds,
                       @Env("MAX_WHO_MEMBERS") int maxWhoMembers,
                       @Env("MAX_CONNECTIONS_PER_ADDRESS") int maxConnectionsPerAddress) {
    public Limits {
      Setting.of(Limits.class, "maxConnectionsPerAddress").requireRange(maxConnectionsPerAddress, 0, 1_000_000);
      Setting.of(Limits.class, "maxConnections").requireRange(maxConnections, 1, 1_000_000);
      Setting.of(Limits.class, "maxChatChars").requireRange(maxChatChars, 1, 1_000_000);
      Setting.of(Limits.class, "maxNameChars").requireRange(maxNameChars, 1, 1000);
      Setting.of(Limits.class, "maxRoomsPerConnection").requireRange(maxRoomsPerConnection, 1, 10_000);
      Setting.of(Limits.class, "messagesPerSecond").requireRange(messagesPerSecond, 1, 100_000);
      Setting.of(Limits.class, "messageBurst").requireRange(messageBurst, 1, 100_000);
      Setting.of(Limits.class, "abuseRejections").requireRange(abuseRejections, 1, 1_000_000);
      Setting.of(Limits.class, "writeQueueMaxBytes").requireRange(writeQueueMaxBytes, 1024, 1 << 30);
      Setting.of(Limits.class, "slowConsumerTimeoutMillis").requireRange(slowConsumerTimeoutMillis, 100, 3_600_000);
      Setting.of(Limits.class, "pingIntervalSeconds").requireRange(pingIntervalSeconds, 1, 3600);
      Setting idle = Setting.of(Limits.class, "idleTimeoutSeconds");
      idle.requireRange(idleTimeoutSeconds, 1, 86_400);
      if (idleTimeoutSeconds <= pingIntervalSeconds) {
        throw idle.refused("must be greater than " + Setting.of(Limits.class, "pingIntervalSeconds").label()
          + ", got " + idleTimeoutSeconds);
      }
      Setting.of(Limits.class, "maxWhoMembers").requireRange(maxWhoMembers, 1, 10_000);
    }
  }

  /**
   * Who may connect and how. Paths are resolved against the working directory.
   *
   * @param allowedOrigins   Origin headers accepted on upgrades, each {@code scheme://host[:port]} or "*" (any);
   *                         empty means the node's own origins (http.publicHost, and localhost, loopback and
   *                         the node's addresses on http.port). Default empty
   * @param jwtSecret        HS256 secret, at least 32 characters; with it (or a public key, not both) every /chat
   *                         connection must authenticate. Default empty (no JWT). Never printed.
   * @param jwtPublicKeyPath readable PEM file of an RS256 public key; empty for none. Default empty
   * @param tlsKeyPath       readable PEM private key for wss/https; empty (with the certificate) for plain
   *                         ws/http. Default empty
   * @param tlsCertPath      readable PEM certificate chain for wss/https, set exactly when tlsKeyPath is.
   *                         Default empty
   * @param jwtAudience      when set, a token's {@code aud} (a string, or an array) must hold it; empty: not
   *                         checked. Default empty
   * @param jwtIssuer        when set, a token's {@code iss} must equal it; empty: not checked. Default empty
   * @param jwtLeewaySeconds clock skew allowed to a token's {@code exp}, {@code nbf} and {@code iat}, 0-600.
   *                         Default {@code 30}
   * @param authTimeoutSeconds with JWT on, how long a /chat connection may take to authenticate before it is
   *                         closed with 1008 "authentication timeout", 1-3600. Default {@code 10}
   */
  public record Security(@Env("ALLOWED_ORIGINS") List<String> allowedOrigins, @Env("JWT_SECRET") String jwtSecret,
                         @Env("JWT_PUBLIC_KEY_PATH") String jwtPublicKeyPath, @Env("TLS_KEY_PATH") String tlsKeyPath,
                         @Env("TLS_CERT_PATH") String tlsCertPath, @Env("JWT_AUDIENCE") String jwtAudience,
                         @Env("JWT_ISSUER") String jwtIssuer, @Env("JWT_LEEWAY_SECONDS") int jwtLeewaySeconds,
                         @Env("AUTH_TIMEOUT_SECONDS") int authTimeoutSeconds) {
    public Security {
      Setting.of(Security.class, "authTimeoutSeconds").requireRange(authTimeoutSeconds, 1, 3600);
      allowedOrigins = List.copyOf(allowedOrigins);
      for (String origin : allowedOrigins) {
        if (!origin.equals("*") && !origin.matches("https?://[^/\\s]+")) {
          throw Setting.of(Security.class, "allowedOrigins").refused("must list scheme://host[:port] origins or *, "
            + "got '" + origin + "'");
        }
      }
      Setting secret = Setting.of(Security.class, "jwtSecret");
      Setting publicKey = Setting.of(Security.class, "jwtPublicKeyPath");
      if (!jwtSecret.isEmpty() && !jwtPublicKeyPath.isEmpty()) {
        throw secret.refused("and " + publicKey.label() + " must not both be set");
      }
      if (!jwtSecret.isEmpty() && jwtSecret.length() < 32) {
        throw secret.refused("must be at least 32 characters");
      }
      publicKey.requireReadable(jwtPublicKeyPath);
      Setting key = Setting.of(Security.class, "tlsKeyPath");
      Setting cert = Setting.of(Security.class, "tlsCertPath");
      if (tlsKeyPath.isEmpty() != tlsCertPath.isEmpty()) {
        throw key.refused("and " + cert.label() + " must be set together");
      }
      key.requireReadable(tlsKeyPath);
      cert.requireReadable(tlsCertPath);
      Setting.of(Security.class, "jwtLeewaySeconds").requireRange(jwtLeewaySeconds, 0, 600);
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
        + ", jwtPublicKeyPath=" + jwtPublicKeyPath + ", tlsKeyPath=" + tlsKeyPath + ", tlsCertPath=" + tlsCertPath
        + ", jwtAudience=" + jwtAudience + ", jwtIssuer=" + jwtIssuer + ", jwtLeewaySeconds=" + jwtLeewaySeconds
        + ", authTimeoutSeconds=" + authTimeoutSeconds + "]";
    }
  }

  /**
   * Log output.
   *
   * @param format one of {@link #FORMATS}: {@code text}, one readable line per event; {@code json}, one JSON object
   *               per line. Default {@code text}
   */
  public record Logging(@Env("LOG_FORMAT") String format) {
    /** The accepted values of {@code format}. */
    public static final Set<String> FORMATS = Set.of("text", "json");

    public Logging {
      if (!FORMATS.contains(format)) {
        throw Setting.of(Logging.class, "format").refused("must be text or json, got '" + format + "'");
      }
    }
  }

  /**
   * Where GET /metrics is served.
   *
   * @param port a port of its own for /metrics (then no longer served on http.port), 0-65535; 0 serves it on
   *             http.port. Default {@code 0}
   * @param host the address the metrics port binds, not blank; unused when port is 0. Default {@code 127.0.0.1}
   */
  public record Metrics(@Env("METRICS_PORT") int port, @Env("METRICS_HOST") String host) {
    public Metrics {
      Setting.of(Metrics.class, "port").requirePort(port, 0);
      Setting.of(Metrics.class, "host").requireText(host);
    }

    /** Whether /metrics has a listener of its own. */
    public boolean ownPort() {
      return port != 0;
    }
  }

  /**
   * Webhooks: what happens in rooms, POSTed in batches to the application, once for the whole cluster.
   *
   * @param url           the receiver's http or https URL; empty turns webhooks off. Default empty
   * @param secret        the HMAC-SHA256 key of each request's Chorus-Signature (over its Chorus-Timestamp and
   *                      body), at least 16 characters, required with a URL. Default empty
   * @param timeoutMillis how long a delivery may take before it counts as failed, 100-60000. Default {@code 2000}
   * @param retrySeconds  how long after it happened a failing event is retried (with backoff) before it is
   *                      dropped, 1-86400. Default {@code 300}
   * @param queueSize     events the cluster holds for the receiver, 1000-10000000; beyond, the oldest are dropped
   *                      (counted and logged). Default {@code 100000}
   */
  public record Webhooks(@Env("WEBHOOK_URL") String url, @Env("WEBHOOK_SECRET") String secret,
                         @Env("WEBHOOK_TIMEOUT_MILLIS") int timeoutMillis, @Env("WEBHOOK_RETRY_SECONDS") int retrySeconds,
                         @Env("WEBHOOK_QUEUE_SIZE") int queueSize) {
    public Webhooks {
      requireUrl(Setting.of(Webhooks.class, "url"), url);
      if (!secret.isEmpty() && secret.length() < 16) {
        throw Setting.of(Webhooks.class, "secret").refused("must be empty or at least 16 characters");
      }
      if (!url.isEmpty()) {
        if (secret.length() < 16) {
          throw Setting.of(Webhooks.class, "secret").refused("must be at least 16 characters with a webhook URL");
        }
      }
      Setting.of(Webhooks.class, "timeoutMillis").requireRange(timeoutMillis, 100, 60_000);
      Setting.of(Webhooks.class, "retrySeconds").requireRange(retrySeconds, 1, 86_400);
      Setting.of(Webhooks.class, "queueSize").requireRange(queueSize, 1000, 10_000_000);
    }

    public boolean enabled() {
      return !url.isEmpty();
    }

    /** Empty, or an http or https URL with a host. */
    static void requireUrl(Setting setting, String url) {
      if (url.isEmpty()) {
        return;
      }
      try {
        java.net.URI uri = new java.net.URI(url);
        if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
          return;
        }
      } catch (java.net.URISyntaxException e) {
        // refused below
      }
      throw setting.refused("must be an http or https URL, got '" + url + "'");
    }

    @Override
    public String toString() {
      return "Webhooks[url=" + url + ", secret=" + (secret.isEmpty() ? "(none)" : "(set)") + ", timeoutMillis="
        + timeoutMillis + ", retrySeconds=" + retrySeconds + ", queueSize=" + queueSize + "]";
    }
  }

  /**
   * The application's say over joins and chats in rooms whose options have {@code "proxy": true}: a signed
   * POST (webhooks.secret) before each join or chat, which the answer admits, refuses or (a chat) rewrites.
   *
   * @param joinUrl       the join proxy's http or https URL; empty for none. Default empty
   * @param publishUrl    the publish proxy's http or https URL; empty for none. Default empty
   * @param timeoutMillis how long a proxy may take before the client is told to try again later, 100-60000.
   *                      Default {@code 1000}
   */
  public record Proxy(@Env("JOIN_PROXY_URL") String joinUrl, @Env("PUBLISH_PROXY_URL") String publishUrl,
                      @Env("PROXY_TIMEOUT_MILLIS") int timeoutMillis) {
    public Proxy {
      Webhooks.requireUrl(Setting.of(Proxy.class, "joinUrl"), joinUrl);
      Webhooks.requireUrl(Setting.of(Proxy.class, "publishUrl"), publishUrl);
      Setting.of(Proxy.class, "timeoutMillis").requireRange(timeoutMillis, 100, 60_000);
    }
  }

  /**
   * What a room may be, by namespace: a room named {@code ns:name} has the options of namespace {@code ns}, a
   * room without a namespace those of {@code defaults}. A namespace the settings do not name does not exist:
   * a join of one of its rooms is refused. Settings file only (no environment variables): an option missing
   * from a namespace's object takes the option's default, not {@code defaults}'s.
   *
   * @param defaults   the options of rooms without a namespace. Default: every option's default
   * @param namespaces namespace name (1-32 letters, digits, '-', '_') to its options. Default none
   */
  public record Rooms(RoomOptions defaults, Map<String, RoomOptions> namespaces) {

    /** A namespace's name: 1-32 ASCII letters, digits, '-' and '_'. */
    public static final Pattern NAMESPACE = Pattern.compile("[A-Za-z0-9_-]{1,32}");

    public Rooms {
      namespaces = Map.copyOf(namespaces);
      defaults.check("rooms.defaults");
      for (Map.Entry<String, RoomOptions> namespace : namespaces.entrySet()) {
        if (!NAMESPACE.matcher(namespace.getKey()).matches()) {
          throw new SettingsException("rooms.namespaces: '" + namespace.getKey()
            + "' is no namespace name (1-32 letters, digits, '-', '_')");
        }
        namespace.getValue().check("rooms.namespaces." + namespace.getKey());
      }
    }

    /**
     * Messages retained per room of {@code namespace} (null: rooms without one); an unknown namespace (whose
     * joins are refused, but whose rooms the admin API may name) retains as many as rooms without one.
     */
    public int historySize(String namespace) {
      RoomOptions options = options(namespace);
      return options == null ? defaults.historySize() : options.historySize();
    }

    /** The options of the rooms of {@code namespace} (null: rooms without one); null for an unknown namespace. */
    public RoomOptions options(String namespace) {
      return namespace == null ? defaults : namespaces.get(namespace);
    }
  }

  /**
   * The options of a room, for {@link Rooms#defaults()} or a namespace.
   *
   * @param privateRoom JSON {@code private}: a join needs a grant (a JWT claim, a room token). Default false
   * @param publish     {@code members} (members may chat) or {@code server} (only the admin API publishes).
   *                    Default {@code members}
   * @param history     whether chats are sequenced and retained (seq, resume); false delivers them live only.
   *                    Default true
   * @param historySize chat messages retained per room, 1-{@value History#MAX_SIZE}. Default {@code history.size}
   * @param presence    whether join and leave notices go out and {@code who} answers. Default true
   * @param proxy       whether joins and chats go through proxy.joinUrl and proxy.publishUrl (where set).
   *                    Default false
   */
  public record RoomOptions(@JsonProperty("private") boolean privateRoom, String publish, boolean history,
                            int historySize, boolean presence, boolean proxy) {

    /** {@link #publish()}: members chat. */
    public static final String MEMBERS = "members";
    /** {@link #publish()}: only the admin API publishes. */
    public static final String SERVER = "server";

    void check(String path) {
      if (!MEMBERS.equals(publish) && !SERVER.equals(publish)) {
        throw new SettingsException(path + ".publish must be \"members\" or \"server\", got '" + publish + "'");
      }
      if (historySize < 1 || historySize > History.MAX_SIZE) {
        throw new SettingsException(path + ".historySize must be 1 to " + History.MAX_SIZE + ", got " + historySize);
      }
    }

    /** Whether members of such a room may chat. */
    public boolean membersPublish() {
      return MEMBERS.equals(publish);
    }
  }
}
