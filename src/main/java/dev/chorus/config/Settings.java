package dev.chorus.config;

import java.util.List;
import java.util.Set;

/**
 * Every setting of a node, immutable. Defaults live in conf/config.json (packaged in the jar) and are
 * documented in README.md; {@link SettingsLoader} reads them and applies environment overrides.
 */
public record Settings(Http http, Cluster cluster, Server server, History history, Admin admin,
                       Logging logging) {

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
   * @param instances              verticle instances sharing the HTTP port; 0 means one per event-loop thread
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
   * Log output.
   *
   * @param format {@code text}: one readable line per event; {@code json}: one JSON object per line
   */
  public record Logging(String format) {
    /** The accepted values of {@code format}. */
    public static final Set<String> FORMATS = Set.of("text", "json");
  }
}
