package dev.chorus.multiprocess;

import dev.chorus.support.ChatClient;
import dev.chorus.support.ComposeFile;
import dev.chorus.support.NetNamespaces;
import dev.chorus.support.NodeProcess;
import dev.chorus.support.TestNodes;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Predicate;

import static dev.chorus.support.Json.chat;
import static dev.chorus.support.Json.joined;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Chorus on several hosts: each node in its own network namespace with its own address on a shared bridge,
 * configured exactly as docker-compose.yml configures its services: their environment is read from the file,
 * with the compose network's addresses mapped onto this run's subnet (CLUSTER_HOST = the host's address,
 * CLUSTER_MEMBERS = the three fixed nodes, HTTP 8080, cluster 5701, event bus 5801). One scenario, in
 * order: three nodes start; a fourth joins at runtime naming only the first; one is killed with -9; one is
 * cut off the network longer than the failure-detection time and healed; one is stopped with SIGTERM. After every step every live
 * node's clients exchange broadcasts with every other's.
 * <p>Needs root (network namespaces); skipped with the reason otherwise.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MultiHostClusterIT {

  /** Hazelcast's max-no-heartbeat in cluster.xml: a silent member is removed after this. */
  static final Duration DETECTION_TIME = Duration.ofSeconds(10);
  /** README's promise: after a partition heals, broadcasts flow both ways again within this. */
  static final Duration HEAL_BOUND = Duration.ofSeconds(60);
  static final Duration READY_WAIT = Duration.ofSeconds(90);
  /** How long a join may take to come back as its notice. */
  static final Duration JOIN_WAIT = Duration.ofSeconds(60);
  static final int HTTP_PORT = 8080;

  private static NetNamespaces network;
  private static Vertx clientVertx;
  private static final Map<Integer, NodeProcess> nodes = new TreeMap<>();
  private static final String clusterName = TestNodes.uniqueClusterName();

  @BeforeAll
  static void createNetwork() {
    String reason = NetNamespaces.unavailableReason();
    Assumptions.assumeTrue(reason == null,
      "SKIPPED multi-host cluster tests: network namespaces cannot be created here (" + reason + ")");
    network = NetNamespaces.create(4);
    clientVertx = Vertx.vertx();
  }

  @AfterAll
  static void tearDown() {
    for (NodeProcess node : nodes.values()) {
      node.close();
    }
    if (clientVertx != null) {
      clientVertx.close().await();
    }
    if (network != null) {
      network.close();
    }
  }

  /** docker-compose.yml's fixed addresses: 172.28.0.11-13 for node1-node3. */
  static final String COMPOSE_PREFIX = "172.28.0.";

  /**
   * The environment docker-compose.yml gives a service, its addresses moved to this run's subnet (host i
   * keeps the last octet 10+i), with a cluster name of this run's own. A service without CLUSTER_HOST
   * (the extras) gets its own address, as docker/entrypoint.sh does.
   */
  private static Map<String, String> composeEnvironment(String service, int host) {
    Map<String, String> env = new LinkedHashMap<>();
    ComposeFile.load().environment(service)
      .forEach((key, value) -> env.put(key, value.replace(COMPOSE_PREFIX, network.subnetPrefix())));
    env.putIfAbsent("CLUSTER_HOST", network.address(host));
    assertEquals(network.address(host), env.get("CLUSTER_HOST"), "compose address of " + service);
    env.put("CLUSTER_NAME", clusterName);
    // The test talks to each node directly, not through the load balancer that sends PROXY headers.
    env.remove("PROXY_PROTOCOL");
    // The compose file's secret volume, as a file of this run's (with the trailing newline an editor leaves).
    env.computeIfPresent("CLUSTER_SECRET_FILE", (key, path) -> secretFile().toString());
    return env;
  }

  private static Path secretFile() {
    try {
      Path file = Path.of("target", "nodes", "multi-host-cluster-secret").toAbsolutePath();
      Files.createDirectories(file.getParent());
      return Files.writeString(file, NodeProcess.CLUSTER_SECRET + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static NodeProcess startNode(int host, Map<String, String> env) {
    NodeProcess node = NodeProcess.start("host" + host, env, network.exec(host), network.address(host));
    nodes.put(host, node);
    return node;
  }

  @Test
  @Order(1)
  @Timeout(240)
  void threeNodesOnTheirOwnAddressesFormOneCluster() {
    for (int host = 1; host <= 3; host++) {
      startNode(host, composeEnvironment("node" + host, host));
    }
    for (int host = 1; host <= 3; host++) {
      nodes.get(host).awaitReady(READY_WAIT);
    }
    awaitMembers(1, Set.of(1, 2, 3), Duration.ofSeconds(30));

    try (Clients clients = Clients.connect(Set.of(1, 2, 3))) {
      clients.everyBroadcastReachesEveryone();
      JsonObject view = awaitView(1, v -> members(v).stream().allMatch(m -> m.getInteger("clients", 0) >= 1),
        Duration.ofSeconds(15), "every member reporting its connected client");
      for (JsonObject member : members(view)) {
        assertTrue(member.getLong("uptimeSeconds") >= 0, view.encodePrettily());
        assertNotNull(member.getString("nodeId"), view.encodePrettily());
      }
    }
  }

  @Test
  @Order(2)
  @Timeout(180)
  void fourthNodeNamingOneMemberJoinsAtRuntimeAndChatsOnceReady() {
    // A scaled-out replica, except that it names only one existing member.
    Map<String, String> env = composeEnvironment("extra", 4);
    env.put("CLUSTER_MEMBERS", network.address(1) + ":5701");
    NodeProcess fourth = startNode(4, env);
    fourth.awaitReady(READY_WAIT);

    try (Clients clients = Clients.connect(Set.of(1, 2, 3, 4))) {
      clients.everyBroadcastReachesEveryone();
    }
    awaitMembers(2, Set.of(1, 2, 3, 4), Duration.ofSeconds(10));
  }

  @Test
  @Order(3)
  @Timeout(180)
  void killedNodeIsDroppedAndTheOthersLoseNothing() {
    Set<Integer> survivors = Set.of(1, 3, 4);
    try (Clients clients = Clients.connect(survivors)) {
      long killedAt = System.nanoTime();
      nodes.get(2).kill();
      List<String> sent = clients.chatBurst(1, "during-kill", 10);
      awaitMembers(1, survivors, DETECTION_TIME.plusSeconds(10));
      Duration noticed = Duration.ofNanos(System.nanoTime() - killedAt);
      System.out.printf("MultiHostClusterIT: kill -9 of host 2 noticed by host 1 within %d ms%n", noticed.toMillis());
      sent.addAll(clients.chatBurst(4, "after-kill", 10));

      clients.awaitAll(survivors, sent);
      clients.everyBroadcastReachesEveryone();
    }
    awaitMembers(4, survivors, Duration.ofSeconds(10));
  }

  @Test
  @Order(4)
  @Timeout(240)
  void healedPartitionDeliversBothWaysWithinTheDocumentedTime() {
    Set<Integer> live = Set.of(1, 3, 4);
    long cutAt = System.nanoTime();
    network.cut(3);
    awaitMembers(1, Set.of(1, 4), DETECTION_TIME.plusSeconds(15));
    System.out.printf("MultiHostClusterIT: partition of host 3 noticed by host 1 after %d ms%n",
      Duration.ofNanos(System.nanoTime() - cutAt).toMillis());
    // Both halves must have seen the split before the heal, or nothing is merged. Host 3 is asked from
    // inside its namespace, since the test cannot reach it over the cut link.
    awaitView(3, true, view -> httpAddresses(view).equals(Set.of(network.address(3) + ":" + HTTP_PORT)),
      DETECTION_TIME.plusSeconds(15), "itself alone");
    System.out.printf("MultiHostClusterIT: partition noticed by host 3 after %d ms%n",
      Duration.ofNanos(System.nanoTime() - cutAt).toMillis());
    try (Clients majority = Clients.connect(Set.of(1, 4))) {
      majority.everyBroadcastReachesEveryone();
    }

    network.heal(3);
    long healedAt = System.nanoTime();
    try (Clients clients = Clients.connect(live)) {
      Duration took = clients.probeUntilEveryPairDelivers(HEAL_BOUND);
      System.out.printf("MultiHostClusterIT: after the heal, broadcasts reached every node both ways in %d ms%n",
        took.toMillis());
      assertTrue(took.compareTo(HEAL_BOUND) <= 0);
      awaitMembers(3, live, Duration.ofSeconds(30));
      awaitMembers(1, live, Duration.ofSeconds(10));
      System.out.printf("MultiHostClusterIT: cluster whole again in every view %d ms after the heal%n",
        Duration.ofNanos(System.nanoTime() - healedAt).toMillis());
      // Steady state again: a single broadcast from each node reaches every other node's clients.
      clients.everyBroadcastReachesEveryone();
    }
  }

  @Test
  @Order(5)
  @Timeout(120)
  void sigtermDrainsWith1001AndTheNodeIsDroppedAtOnce() {
    NodeProcess fourth = nodes.get(4);
    try (ChatClient onFourth = ChatClient.connect(clientVertx, network.address(4), HTTP_PORT, "/chat")) {
      long terminatedAt = System.nanoTime();
      fourth.terminate();
      assertEquals(1001, onFourth.awaitClose(Duration.ofSeconds(20)));
      assertEquals(0, fourth.awaitExit(Duration.ofSeconds(40)), fourth.log());
      awaitMembers(1, Set.of(1, 3), Duration.ofSeconds(5));
      System.out.printf("MultiHostClusterIT: SIGTERM of host 4 to its removal from host 1's view: %d ms%n",
        Duration.ofNanos(System.nanoTime() - terminatedAt).toMillis());
    }
    try (Clients clients = Clients.connect(Set.of(1, 3))) {
      clients.everyBroadcastReachesEveryone();
    }
  }

  // ---- cluster view

  private static List<JsonObject> members(JsonObject view) {
    List<JsonObject> members = new ArrayList<>();
    JsonArray array = view.getJsonArray("members");
    for (int i = 0; i < array.size(); i++) {
      members.add(array.getJsonObject(i));
    }
    return members;
  }

  private static Set<String> httpAddresses(JsonObject view) {
    Set<String> addresses = new HashSet<>();
    for (JsonObject member : members(view)) {
      addresses.add(member.getString("httpAddress"));
    }
    return addresses;
  }

  /** Waits until host {@code viewer}'s /api/cluster lists exactly these hosts, by HTTP address. */
  private static JsonObject awaitMembers(int viewer, Set<Integer> hosts, Duration wait) {
    Set<String> expected = new HashSet<>();
    for (int host : hosts) {
      expected.add(network.address(host) + ":" + HTTP_PORT);
    }
    return awaitView(viewer, false, view -> httpAddresses(view).equals(expected), wait, "members " + expected);
  }

  private static JsonObject awaitView(int viewer, Predicate<JsonObject> condition, Duration wait, String what) {
    return awaitView(viewer, false, condition, wait, what);
  }

  /** Polls host {@code viewer}'s /api/cluster (from inside its namespace if {@code inside}) until the condition. */
  private static JsonObject awaitView(int viewer, boolean inside, Predicate<JsonObject> condition, Duration wait,
                                      String what) {
    long deadline = System.nanoTime() + wait.toNanos();
    JsonObject last = null;
    while (System.nanoTime() < deadline) {
      String body = inside ? network.httpGetInside(viewer, HTTP_PORT, "/api/cluster")
        : nodes.get(viewer).http().okBody("/api/cluster");
      if (body != null) {
        last = new JsonObject(body);
        if (condition.test(last)) {
          return last;
        }
      }
      awaitQuietly(Duration.ofMillis(200));
    }
    return fail("host " + viewer + "'s /api/cluster never showed " + what + " within " + wait + "; last: "
      + (last == null ? "no answer" : last.encode()));
  }

  /** Polling interval of the wait loops: waiting on a condition, never a fixed sleep as the condition. */
  private static void awaitQuietly(Duration duration) {
    if (duration.isNegative() || duration.isZero()) {
      return;
    }
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  // ---- clients

  /** One joined chat client per host, named h1, h2... */
  private static final class Clients implements AutoCloseable {

    private final Map<Integer, ChatClient> byHost = new TreeMap<>();

    static Clients connect(Set<Integer> hosts) {
      Clients clients = new Clients();
      for (int host : new TreeSet<>(hosts)) {
        ChatClient client = ChatClient.connect(clientVertx, network.address(host), HTTP_PORT, "/chat");
        clients.byHost.put(host, client);
        client.join(name(host));
      }
      // A join is complete when its own notice comes back: the room is positioned on that node (right after a
      // cluster forms, partitions may still be moving, which can hold the first read of a room's position).
      for (Map.Entry<Integer, ChatClient> client : clients.byHost.entrySet()) {
        client.getValue().awaitJson(joined(name(client.getKey())), JOIN_WAIT);
      }
      return clients;
    }

    static String name(int host) {
      return "h" + host;
    }

    /** One message from each host; every host's client must receive each one (no retries). */
    void everyBroadcastReachesEveryone() {
      for (int from : byHost.keySet()) {
        String text = "from " + name(from) + " " + UUID.randomUUID();
        byHost.get(from).chat(text);
        for (int to : byHost.keySet()) {
          byHost.get(to).awaitJson(chat(name(from), text));
        }
      }
    }

    /** Sends {@code count} numbered messages from one host's client; returns their texts. */
    List<String> chatBurst(int from, String label, int count) {
      List<String> sent = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        String text = label + " " + i + " " + UUID.randomUUID();
        byHost.get(from).chat(text);
        sent.add(name(from) + "|" + text);
      }
      return sent;
    }

    /** Every host's client receives every one of these "sender|text" messages, within the default wait. */
    void awaitAll(Set<Integer> hosts, List<String> sent) {
      for (int to : hosts) {
        Set<String> missing = new HashSet<>(sent);
        long deadline = System.nanoTime() + ChatClient.DEFAULT_WAIT.toNanos();
        while (!missing.isEmpty() && System.nanoTime() < deadline) {
          ChatClient.Received received = byHost.get(to).poll(Duration.ofMillis(200));
          if (received != null) {
            JsonObject json = received.json();
            if ("chat".equals(json.getString("type"))) {
              missing.remove(json.getString("sender") + "|" + json.getString("message"));
            }
          }
        }
        assertEquals(Set.of(), missing, "messages lost on the way to " + name(to));
      }
    }

    /**
     * Every second each client sends a probe, until for every ordered pair of hosts some probe from the
     * first reached the second's client; returns how long that took, failing after {@code bound}.
     */
    Duration probeUntilEveryPairDelivers(Duration bound) {
      long start = System.nanoTime();
      long deadline = start + bound.toNanos();
      Set<String> missing = new HashSet<>();
      for (int from : byHost.keySet()) {
        for (int to : byHost.keySet()) {
          missing.add(name(from) + ">" + name(to));
        }
      }
      int round = 0;
      while (!missing.isEmpty()) {
        if (System.nanoTime() > deadline) {
          fail("after " + bound + " broadcasts still do not flow for " + missing);
        }
        round++;
        for (int from : byHost.keySet()) {
          byHost.get(from).chat("probe " + round);
        }
        long roundEnd = System.nanoTime() + Duration.ofSeconds(1).toNanos();
        while (System.nanoTime() < roundEnd) {
          for (Map.Entry<Integer, ChatClient> to : byHost.entrySet()) {
            ChatClient.Received received = to.getValue().poll(Duration.ofMillis(20));
            if (received != null) {
              JsonObject json = received.json();
              if ("chat".equals(json.getString("type"))) {
                missing.remove(json.getString("sender") + ">" + name(to.getKey()));
              }
            }
          }
        }
      }
      return Duration.ofNanos(System.nanoTime() - start);
    }

    @Override
    public void close() {
      for (ChatClient client : byHost.values()) {
        try {
          client.close();
        } catch (RuntimeException | AssertionError e) {
          // A socket to a dead node may not close cleanly; the test is over with it.
        }
      }
    }
  }
}
