package dev.chorus.deploy;

import dev.chorus.support.RepoFiles;
import dev.chorus.config.Settings;
import dev.chorus.support.Await;
import dev.chorus.support.ComposeFile;
import dev.chorus.support.FreePorts;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docker-compose.yml, docker/haproxy.cfg and the Dockerfile: valid for their tools, and wired as README
 * "Operating a cluster" describes. The tools' own checks run where the tools are installed (.ci/run installs
 * them; on CI a missing tool fails instead of skipping).
 */
class DeploymentFilesTest {

  private static final String MEMBERS = "172.28.0.11:5701,172.28.0.12:5701,172.28.0.13:5701";

  @Test
  void composeFileIsValidForDockerCompose() {
    requireTool("docker-compose");
    Result result = run(List.of("docker-compose", "-f", ComposeFile.PATH.toString(), "config", "-q"));
    assertEquals(0, result.status(), "docker-compose config -q:\n" + result.output());
  }

  @Test
  void haproxyConfigIsValidForHaproxy() {
    requireTool("haproxy");
    Result result = run(List.of("haproxy", "-c", "-f", RepoFiles.path("docker", "haproxy.cfg").toString()));
    assertEquals(0, result.status(), "haproxy -c:\n" + result.output());
  }

  /**
   * The shipped haproxy.cfg run by a real HAProxy, with only what ties it to Docker changed (the client port,
   * DNS at start-up, the connection limit beyond this machine's open-file limit): a request whose query string
   * carries a token is logged without it. No node is behind it; the request is logged with its 503.
   */
  @Test
  void haproxyLogsRequestsWithoutTheirQueryString() throws Exception {
    requireTool("haproxy");
    int port = FreePorts.next();
    String shipped = Files.readString(RepoFiles.path("docker", "haproxy.cfg"));
    String config = replaceOnce(shipped, "(?m)^(?<bind>\\s*bind\\s+)\\S*:8080", "${bind}127.0.0.1:" + port);
    config = replaceOnce(config, "init-addr \\S+", "init-addr none");
    config = replaceOnce(config, "(?m)^(?<maxconn>\\s*maxconn\\s+)\\d+", "${maxconn}1000");
    Path file = Files.createTempFile("haproxy-", ".cfg");
    Files.writeString(file, config);
    Process haproxy = new ProcessBuilder("haproxy", "-db", "-f", file.toString())
      .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    List<String> log = new CopyOnWriteArrayList<>();
    try {
      Thread reader = new Thread(() -> new BufferedReader(new InputStreamReader(haproxy.getInputStream(),
        StandardCharsets.UTF_8)).lines().forEach(log::add), "haproxy-log");
      reader.setDaemon(true);
      reader.start();
      Await.until(() -> answers(port), Duration.ofSeconds(20), "HAProxy listening on " + port);
      Await.until(() -> log.stream().anyMatch(line -> line.contains("/chat")), Duration.ofSeconds(10),
        () -> "a log line of GET /chat in " + log);
      assertTrue(log.stream().anyMatch(line -> line.contains("\"GET /chat HTTP/1.1\"")), log.toString());
      assertTrue(log.stream().noneMatch(line -> line.contains("secret-jwt") || line.contains("token=")), log.toString());
    } finally {
      haproxy.destroy();
      if (!haproxy.waitFor(10, TimeUnit.SECONDS)) {
        haproxy.destroyForcibly();
      }
      Files.deleteIfExists(file);
    }
  }

  /** {@code text} with the one match of {@code regex} replaced; fails unless there is exactly one. */
  private static String replaceOnce(String text, String regex, String replacement) {
    assertEquals(1, Pattern.compile(regex).matcher(text).results().count(), "matches of " + regex + " in haproxy.cfg");
    return text.replaceFirst(regex, replacement);
  }

  /** Sends GET /chat?token=... to 127.0.0.1:port; whether an HTTP answer came. */
  private static boolean answers(int port) {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(5000);
      socket.getOutputStream().write("GET /chat?token=secret-jwt HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        .getBytes(StandardCharsets.US_ASCII));
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).startsWith("HTTP/1.1 ");
    } catch (IOException notYet) {
      return false;
    }
  }

  @ParameterizedTest(name = "node{0} binds and advertises its fixed address and publishes 808{0}")
  @ValueSource(ints = {1, 2, 3})
  void fixedNodesAdvertiseTheirOwnAddress(int index) {
    ComposeFile compose = ComposeFile.load();
    String service = "node" + index;
    String address = "172.28.0.1" + index;
    Map<String, String> env = compose.environment(service);
    assertEquals(address, compose.ipv4Address(service, "chorus"));
    assertEquals(address, env.get("CLUSTER_HOST"));
    assertEquals(MEMBERS, env.get("CLUSTER_MEMBERS"));
    assertEquals("5801", env.get("EVENTBUS_PORT"));
    assertEquals(List.of("808" + index + ":8080"), compose.ports(service));
  }

  @Test
  void everyNodeKeepsHistoryInMemoryUnlessToldAndThenUsesThePostgresService() {
    ComposeFile compose = ComposeFile.load();
    Map<String, Object> postgres = compose.service("postgres");
    assertEquals(List.of("postgres"), postgres.get("profiles"), "PostgreSQL starts only with --profile postgres");
    @SuppressWarnings("unchecked")
    Map<String, Object> db = (Map<String, Object>) postgres.get("environment");
    String url = "postgresql://" + db.get("POSTGRES_USER") + ":" + db.get("POSTGRES_PASSWORD") + "@"
      + compose.ipv4Address("postgres", "chorus") + ":5432/" + db.get("POSTGRES_DB");
    for (String service : List.of("node1", "node2", "node3", "extra")) {
      Map<String, String> env = compose.environment(service);
      assertEquals("memory", env.get("HISTORY_STORE"), service);
      assertEquals(url, env.get("HISTORY_POSTGRES_URL"), service);
      // The URL is one the setting accepts.
      assertTrue(new Settings.History(1000, "postgres", env.get("HISTORY_POSTGRES_URL"), 0, 86_400).durable());
    }
  }

  /**
   * No secret is written in the file: a one-shot service writes a random one into a volume, every node (the
   * extras too, so --scale shares it) reads it from there and starts only after it was written, and no
   * cluster port is published.
   */
  @Test
  void everyNodeReadsTheClusterSecretTheOneShotServiceWrote() {
    ComposeFile compose = ComposeFile.load();
    Map<String, Object> writer = compose.service("cluster-secret");
    assertEquals("no", writer.get("restart"));
    assertTrue(String.valueOf(writer.get("command")).contains("/dev/urandom"), "a random secret");
    assertTrue(String.valueOf(writer.get("volumes")).contains("chorus-secret:/run/chorus"), "written to the volume");
    for (String service : List.of("node1", "node2", "node3", "extra")) {
      Map<String, String> env = compose.environment(service);
      assertNull(env.get("CLUSTER_SECRET"), service + " has no secret in the file");
      assertEquals("/run/chorus/cluster-secret", env.get("CLUSTER_SECRET_FILE"), service);
      assertEquals(List.of("chorus-secret:/run/chorus:ro"), compose.service(service).get("volumes"), service);
      assertEquals(Map.of("cluster-secret", Map.of("condition", "service_completed_successfully")),
        compose.service(service).get("depends_on"), service + " waits for the secret");
      compose.ports(service).forEach(port -> assertFalse(port.contains("5701") || port.contains("5801"),
        service + " publishes a cluster port: " + port));
    }
  }

  @Test
  void prometheusScrapesEveryNodeOnItsMetricsPortSinceTheHttpPortWantsAProxyHeader() throws IOException {
    ComposeFile compose = ComposeFile.load();
    String prometheus = Files.readString(RepoFiles.path("ops", "prometheus", "prometheus.yml"));
    for (String service : List.of("node1", "node2", "node3", "extra")) {
      Map<String, String> env = compose.environment(service);
      assertEquals("true", env.get("PROXY_PROTOCOL"), service);
      assertEquals("9100", env.get("METRICS_PORT"), service);
      assertEquals("0.0.0.0", env.get("METRICS_HOST"), service + ": the metrics port must be reachable on the network");
    }
    assertTrue(prometheus.contains("\"node1:9100\", \"node2:9100\", \"node3:9100\""), prometheus);
    assertTrue(prometheus.contains("port: 9100"), "extras are scraped on their metrics port too");
  }

  @Test
  void extraNodesStartAtZeroAndTakeTheirAddressAtStart() {
    ComposeFile compose = ComposeFile.load();
    Map<String, String> env = compose.environment("extra");
    assertEquals(0, compose.service("extra").get("scale"));
    assertNull(env.get("CLUSTER_HOST"), "extras must not share a fixed address");
    assertEquals(MEMBERS, env.get("CLUSTER_MEMBERS"));
    assertEquals(List.of("8080"), compose.ports("extra"));
  }

  @Test
  void loadBalancerPublishesTheClientPortAndHealthChecksEveryNode() throws IOException {
    ComposeFile compose = ComposeFile.load();
    assertEquals(List.of("8080:8080"), compose.ports("lb"));
    String haproxy = Files.readString(RepoFiles.path("docker", "haproxy.cfg"));
    assertTrue(haproxy.contains("option httpchk GET /ready"), haproxy);
    assertTrue(haproxy.contains("default-server check"), haproxy);
    assertTrue(haproxy.contains("timeout tunnel"), "WebSocket tunnels need their own timeout");
    for (String server : List.of("server node1 node1:8080", "server node2 node2:8080", "server node3 node3:8080",
      "server-template extra 1-20 extra:8080")) {
      assertTrue(haproxy.contains(server), "haproxy.cfg lacks " + server);
    }
    // Clients' addresses reach the nodes in PROXY v2 headers, which every node then requires.
    assertTrue(haproxy.lines().anyMatch(line -> line.trim().startsWith("default-server") && line.contains("send-proxy-v2")),
      "default-server must send-proxy-v2");
    for (String service : List.of("node1", "node2", "node3", "extra")) {
      assertEquals("true", compose.environment(service).get("PROXY_PROTOCOL"), service);
    }
  }

  @Test
  void prometheusAndGrafanaListenOnLoopbackOnlyAndGrafanaHasNoPasswordToGuess() {
    ComposeFile compose = ComposeFile.load();
    assertEquals(List.of("127.0.0.1:9090:9090"), compose.ports("prometheus"));
    assertEquals(List.of("127.0.0.1:3000:3000"), compose.ports("grafana"));
    Map<String, String> grafana = compose.environment("grafana");
    assertNull(grafana.get("GF_SECURITY_ADMIN_PASSWORD"), "no default admin password");
    assertEquals("true", grafana.get("GF_SECURITY_DISABLE_INITIAL_ADMIN_CREATION"), "no admin account (admin/admin)");
    assertEquals("Viewer", grafana.get("GF_AUTH_ANONYMOUS_ORG_ROLE"), "anonymous visitors only view");
  }

  @Test
  void dockerfileRunsAsNonRootWithAReadinessHealthCheck() throws IOException {
    String dockerfile = Files.readString(RepoFiles.path("Dockerfile"));
    assertTrue(dockerfile.contains("USER chorus"), dockerfile);
    assertTrue(dockerfile.contains("HEALTHCHECK") && dockerfile.contains("GET /ready"), dockerfile);
    assertFalse(dockerfile.contains("\"sh\", \"-c\", \"exec 3<>/dev/tcp"), "/dev/tcp needs bash, not sh");
    assertTrue(Files.isExecutable(RepoFiles.path("docker", "entrypoint.sh")), "docker/entrypoint.sh must be executable");
  }

  private static void requireTool(String tool) {
    boolean present = run(List.of("sh", "-c", "command -v " + tool)).status() == 0;
    if (!present && System.getenv("CI") != null) {
      throw new AssertionError(tool + " is not installed: .ci/run must install it");
    }
    Assumptions.assumeTrue(present, "SKIPPED: " + tool + " is not installed (.ci/run installs it)");
  }

  private record Result(int status, String output) {
  }

  private static Result run(List<String> command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return new Result(-1, String.join(" ", command) + " timed out");
      }
      return new Result(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      return new Result(-1, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(-1, "interrupted");
    }
  }
}
