package dev.chorus.multiprocess;

import dev.chorus.support.Await;
import dev.chorus.support.FreePorts;
import dev.chorus.support.Http;
import dev.chorus.support.NodeProcess;
import dev.chorus.support.RawWebSocket;
import dev.chorus.support.TestNodes;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real HAProxy in front of a node with server.proxyProtocol, as docker/haproxy.cfg runs the compose file's
 * nodes ({@code send-proxy-v2}): the node counts and logs each client by the address the PROXY header names,
 * not by the proxy's, and refuses a connection that comes without the header (so a client that reaches the node
 * directly cannot name an address of its choice).
 */
@Timeout(180)
class ProxyProtocolIT {

  private static final Path HAPROXY = Path.of("/usr/sbin/haproxy");
  private static final int PER_ADDRESS = 2;

  @Test
  void theClientAddressIsThePROXYHeadersForLimitsAndLogs() throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(HAPROXY) || System.getenv("CI") != null,
      "SKIPPED: haproxy is not installed (.ci/run installs it)");
    Map<String, String> env = TestNodes.environment(TestNodes.uniqueClusterName(), "");
    env.put("PROXY_PROTOCOL", "true");
    env.put("MAX_CONNECTIONS_PER_ADDRESS", String.valueOf(PER_ADDRESS));
    int lbPort = FreePorts.next();
    List<RawWebSocket> sockets = new ArrayList<>();
    try (NodeProcess node = NodeProcess.start("proxy-protocol", env);
         HaproxyProcess lb = HaproxyProcess.start(lbPort, node.httpPort())) {
      Http throughLb = Http.to("127.0.0.1", lbPort).timeout(Duration.ofSeconds(2));
      Await.until(() -> node.isAlive() && throughLb.status("/ready") == 200, Duration.ofSeconds(90),
        () -> "node not ready through HAProxy:\n" + node.log() + "\nHAProxy:\n" + lb.output());

      for (int i = 0; i < PER_ADDRESS; i++) {
        sockets.add(upgraded(lbPort, "127.0.0.2", 101));
      }
      sockets.add(upgraded(lbPort, "127.0.0.2", 429));
      // Through the same proxy, another client is another address.
      sockets.add(upgraded(lbPort, "127.0.0.3", 101));
      Await.until(() -> node.log().contains("Refused a WebSocket upgrade from 127.0.0.2"), Duration.ofSeconds(10),
        () -> "the refusal names the client:\n" + node.log());
      assertTrue(!node.log().contains("upgrade from 127.0.0.1"), node.log());

      // Straight to the node, without a PROXY header: no answer, the connection is closed.
      try (RawWebSocket direct = RawWebSocket.open(node.httpPort())) {
        assertEquals(-1, direct.handshake(RawWebSocket.upgradeRequest(node.httpPort(), "/echo", "")));
      }
      // A v1 header that names no client, as the Dockerfile's health check sends it: the TCP peer counts.
      try (RawWebSocket healthCheck = RawWebSocket.open(node.httpPort())) {
        assertEquals(200, healthCheck.handshake("PROXY UNKNOWN\r\nGET /ready HTTP/1.0\r\n\r\n"));
      }
    } finally {
      sockets.forEach(RawWebSocket::close);
    }
  }

  private static RawWebSocket upgraded(int port, String source, int expected) {
    RawWebSocket raw = RawWebSocket.openFrom(source, port);
    assertEquals(expected, raw.handshake(RawWebSocket.upgradeRequest(port, "/echo", "")), "upgrade from " + source);
    return raw;
  }

  /** HAProxy in the foreground with a backend of one node that it sends PROXY protocol v2 headers. */
  private record HaproxyProcess(Process process, Path log) implements AutoCloseable {

    static HaproxyProcess start(int port, int nodePort) throws IOException {
      Path dir = Files.createTempDirectory(Files.createDirectories(Path.of("target", "nodes")), "haproxy-");
      Path config = dir.resolve("haproxy.cfg");
      Files.writeString(config, String.join("\n",
        "defaults",
        "  mode http",
        "  timeout connect 5s",
        "  timeout client 60s",
        "  timeout server 60s",
        "  timeout tunnel 1h",
        "frontend clients",
        "  bind 127.0.0.1:" + port,
        "  default_backend chorus",
        "backend chorus",
        "  server node1 127.0.0.1:" + nodePort + " send-proxy-v2",
        ""));
      Path log = dir.resolve("haproxy.log");
      Process process = new ProcessBuilder(HAPROXY.toString(), "-db", "-f", config.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
      return new HaproxyProcess(process, log);
    }

    @Override
    public Path log() {
      return log;
    }

    String output() {
      try {
        return Files.readString(log);
      } catch (IOException e) {
        return "(no log: " + e.getMessage() + ")";
      }
    }

    @Override
    public void close() throws InterruptedException {
      process.destroy();
      if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }
}
