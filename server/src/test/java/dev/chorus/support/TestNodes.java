package dev.chorus.support;

import dev.chorus.ChorusNode;
import dev.chorus.config.Settings;
import dev.chorus.config.SettingsLoader;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The parts of a test node: a unique cluster name, free ports, loopback only. Settings come from the
 * packaged defaults plus the same environment variables operators use. Tests start nodes with
 * {@link TestNode}; these are for tests that need settings without a node, or a node of their own making.
 */
public final class TestNodes {

  /** A directory without conf/ or cluster.xml, so the packaged defaults apply. */
  private static final Path NO_OVERRIDES = Path.of("target");

  private TestNodes() {
  }

  /** A unique cluster name, so concurrent test runs never join each other. */
  public static String uniqueClusterName() {
    return "chorus-test-" + UUID.randomUUID();
  }

  /** The environment of a node in {@code clusterName} on free loopback ports; {@code members} may be empty. */
  public static Map<String, String> environment(String clusterName, String members) {
    Map<String, String> env = new HashMap<>();
    env.put("HTTP_HOST", "127.0.0.1");
    env.put("HTTP_PORT", String.valueOf(FreePorts.next()));
    env.put("CLUSTER_NAME", clusterName);
    env.put("CLUSTER_HOST", "127.0.0.1");
    env.put("CLUSTER_PORT", String.valueOf(FreePorts.next()));
    env.put("CLUSTER_MEMBERS", members);
    env.put("SERVER_INSTANCES", "2");
    env.put("SHUTDOWN_TIMEOUT_SECONDS", "5");
    return env;
  }

  /**
   * Lifts the per-connection rate limit in {@code env}, for tests that publish faster than a person types
   * (RateLimitTest covers the limit itself). Returns {@code env}.
   */
  public static Map<String, String> withoutRateLimit(Map<String, String> env) {
    env.put("RATE_MESSAGES_PER_SECOND", "10000");
    env.put("RATE_BURST", "10000");
    return env;
  }

  /** An IPv4 address of this machine that is not loopback (and not link-local), or null if it has none. */
  public static String nonLoopbackAddress() {
    try {
      for (NetworkInterface network : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (!network.isUp() || network.isLoopback()) {
          continue;
        }
        for (InetAddress address : Collections.list(network.getInetAddresses())) {
          if (address instanceof Inet4Address && !address.isLinkLocalAddress()) {
            return address.getHostAddress();
          }
        }
      }
      return null;
    } catch (SocketException e) {
      return null;
    }
  }

  /** Settings for that environment. */
  public static Settings settings(Map<String, String> env) {
    return SettingsLoader.load(env, NO_OVERRIDES);
  }

  /** Starts a node and waits until it is ready; a node that fails to start is stopped before the failure is thrown. */
  public static ChorusNode start(Settings settings) {
    ChorusNode node = new ChorusNode(settings, NO_OVERRIDES);
    try {
      Await.result(node.start(), Duration.ofSeconds(60));
    } catch (RuntimeException | Error e) {
      try {
        stop(node);
      } catch (RuntimeException | Error stopFailure) {
        e.addSuppressed(stopFailure);
      }
      throw e;
    }
    return node;
  }

  /** Stops a node, waiting for it to leave its cluster. */
  public static void stop(ChorusNode node) {
    if (node != null) {
      Await.result(node.stop(), Duration.ofSeconds(60));
    }
  }
}
