package dev.chorus.multiprocess;

import dev.chorus.protocol.ChatError;
import dev.chorus.support.ChatClient;
import dev.chorus.support.Http;
import dev.chorus.support.NetNamespaces;
import dev.chorus.support.NodeProcess;
import dev.chorus.support.PostgresServer;
import dev.chorus.support.TestNodes;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A fault test in the spirit of Jepsen. Three nodes, each a process on a host of its own (a network
 * namespace); clients publish chats with ids at a steady rate into several rooms, resending each until it is
 * acked, reconnecting to another node and resuming with since and epoch whenever their connection fails.
 * Meanwhile a node is killed with SIGKILL and restarted, another is cut off the network for longer than the
 * failure-detection time and healed, and with PostgreSQL the whole cluster is stopped and started again.
 * Then every room's history is read in full and checked: every acked id present exactly once; seqs unique
 * and gapless; every client saw each room's messages in seq order without duplicates (a history reset
 * starts a new run), and every acked message at least once. It prints the tally and fails on any loss or
 * duplicate. About two minutes per store; {@code -Dchorus.fault.steadySeconds=N} (default 8) lengthens the
 * quiet stretches between faults. Needs root and iproute2; says why it is skipped where it cannot run.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(420)
class FaultIT {

  private static final int HOSTS = 3;
  private static final int HTTP_PORT = 8080;
  private static final List<String> ROOMS = List.of("fault-a", "fault-b", "fault-c");
  private static final String TOKEN = "fault-test-admin-token-0123";
  private static final Duration STEADY = Duration.ofSeconds(Long.getLong("chorus.fault.steadySeconds", 8));
  private static final Duration PACE = Duration.ofMillis(100);
  private static final Duration READY = Duration.ofSeconds(90);
  private static final Duration ACK_WAIT = Duration.ofSeconds(5);

  private static NetNamespaces network;
  private static PostgresServer postgres;
  private static Vertx clientVertx;
  private final Map<Integer, NodeProcess> nodes = new TreeMap<>();
  /** The hosts clients may connect to: the controller takes a host out before a fault and back once healed. */
  private final Set<Integer> up = ConcurrentHashMap.newKeySet();

  @BeforeAll
  static void createNetwork() {
    String reason = NetNamespaces.unavailableReason();
    Assumptions.assumeTrue(reason == null,
      "SKIPPED fault test: network namespaces cannot be created here (" + reason + ")");
    network = NetNamespaces.create(HOSTS);
    clientVertx = Vertx.vertx();
  }

  @AfterAll
  static void tearDown() {
    if (clientVertx != null) {
      clientVertx.close().await();
    }
    if (postgres != null) {
      postgres.close();
    }
    if (network != null) {
      network.close();
    }
  }

  @AfterEach
  void stopNodes() {
    nodes.values().forEach(NodeProcess::close);
    nodes.clear();
  }

  @Test
  @Order(1)
  void memoryStoreKillAndPartition() {
    run("memory", Map.of(), false);
  }

  @Test
  @Order(2)
  void postgresStoreKillPartitionAndWholeClusterRestart() {
    postgres = PostgresServer.create(network.gatewayAddress());
    run("postgres", Map.of("HISTORY_STORE", "postgres", "HISTORY_POSTGRES_URL", postgres.url(network.gatewayAddress())),
      true);
  }

  private void run(String store, Map<String, String> storeEnv, boolean restartAll) {
    String cluster = TestNodes.uniqueClusterName();
    for (int host = 1; host <= HOSTS; host++) {
      start(host, cluster, storeEnv);
    }
    awaitReady(Set.of(1, 2, 3));
    List<Writer> writers = new ArrayList<>();
    for (int host = 1; host <= HOSTS; host++) {
      writers.add(new Writer("w" + host, host));
    }
    List<Thread> threads = writers.stream().map(writer -> new Thread(writer, "fault-" + writer.name)).toList();
    threads.forEach(Thread::start);
    long started = System.nanoTime();

    steady();
    // kill -9 one node and start it again.
    up.remove(2);
    nodes.get(2).kill();
    nodes.get(2).awaitExit(Duration.ofSeconds(30));
    start(2, cluster, storeEnv);
    awaitReady(Set.of(2));
    steady();
    // Cut one node off for longer than the failure-detection time, then heal.
    up.remove(3);
    network.cut(3);
    awaitView(1, Set.of(1, 2), Duration.ofSeconds(40));
    awaitInside(3, Duration.ofSeconds(40));
    // The cut-off side sequences on its own: what it acks must survive the merge (memory: a new epoch).
    Map<String, String> minority = publishInside(3);
    network.heal(3);
    awaitView(1, Set.of(1, 2, 3), Duration.ofSeconds(90));
    awaitView(3, Set.of(1, 2, 3), Duration.ofSeconds(90));
    up.add(3);
    steady();
    if (restartAll) {
      // The whole cluster stops; history must come back from PostgreSQL.
      up.clear();
      for (NodeProcess node : nodes.values()) {
        node.terminate();
      }
      for (NodeProcess node : nodes.values()) {
        node.awaitExit(Duration.ofSeconds(60));
      }
      for (int host = 1; host <= HOSTS; host++) {
        start(host, cluster, storeEnv);
      }
      awaitReady(Set.of(1, 2, 3));
      steady();
    }

    writers.forEach(Writer::stop);
    for (Thread thread : threads) {
      try {
        thread.join(Duration.ofSeconds(150).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    for (Writer writer : writers) {
      assertTrue(writer.failure == null, writer.name + " failed: " + writer.failure);
    }
    // Fences: one last acked chat per writer and room, then every writer waits to have seen all of them, so
    // a message whose publish was lost with its node has been filled in from history everywhere.
    Set<String> fences = new HashSet<>();
    for (Writer writer : writers) {
      for (String room : ROOMS) {
        fences.add(writer.sendUntilAcked(room, writer.name + "-fence-" + room));
      }
    }
    for (Writer writer : writers) {
      writer.awaitReceived(fences, Duration.ofSeconds(60));
    }
    check(store, writers, minority, Duration.ofNanos(System.nanoTime() - started));
    writers.forEach(Writer::close);
  }

  /** Publishes through the admin API from inside a cut-off host; returns the acked (201) ids and their rooms. */
  private Map<String, String> publishInside(int host) {
    Map<String, String> acked = new LinkedHashMap<>();
    for (String room : ROOMS) {
      for (int i = 1; i <= 3; i++) {
        String id = "minority-" + room + "-" + i;
        int status = network.httpPostInside(host, HTTP_PORT, "/api/rooms/" + room + "/messages", TOKEN,
          new JsonObject().put("sender", "minority").put("message", id).put("id", id).encode());
        if (status != 201) {
          // Refused (with PostgreSQL out of its reach): the rest of the room would be refused too.
          break;
        }
        acked.put(id, room);
      }
    }
    return acked;
  }

  private void check(String store, List<Writer> writers, Map<String, String> minority, Duration took) {
    // id -> epoch -> seq: within one epoch, every ack of an id names one seq.
    Map<String, Map<String, Long>> ackedSeq = new HashMap<>();
    Map<String, String> ackedRoom = new HashMap<>();
    int acks = 0;
    int duplicateAcks = 0;
    for (Writer writer : writers) {
      for (Acked acked : writer.acked) {
        acks++;
        if (acked.duplicate()) {
          duplicateAcks++;
        }
        Long before = ackedSeq.computeIfAbsent(acked.id(), id -> new HashMap<>()).putIfAbsent(acked.epoch(), acked.seq());
        ackedRoom.put(acked.id(), acked.room());
        if (before != null && before != acked.seq()) {
          fail(acked.id() + " acked at two seqs of epoch " + acked.epoch() + ": " + before + " and " + acked.seq());
        }
      }
    }
    ackedRoom.putAll(minority);
    int lost = 0;
    int duplicated = 0;
    int gapsInSeqs = 0;
    for (String room : ROOMS) {
      List<JsonObject> history = readHistory(room);
      Map<String, Integer> count = new HashMap<>();
      long previous = -1;
      for (JsonObject message : history) {
        String id = message.getString("id");
        if (id != null) {
          count.merge(id, 1, Integer::sum);
        }
        long seq = message.getLong("seq");
        if (previous >= 0 && seq != previous + 1) {
          gapsInSeqs++;
        }
        previous = seq;
      }
      for (Map.Entry<String, String> acked : ackedRoom.entrySet()) {
        if (acked.getValue().equals(room)) {
          int times = count.getOrDefault(acked.getKey(), 0);
          if (times == 0) {
            lost++;
          } else if (times > 1) {
            duplicated++;
          }
        }
      }
    }
    int outOfOrder = 0;
    int seenTwice = 0;
    int missed = 0;
    int resumes = 0;
    int resets = 0;
    for (Writer writer : writers) {
      outOfOrder += writer.outOfOrder;
      seenTwice += writer.seenTwice;
      resumes += writer.resumes;
      resets += writer.resets;
      for (Map.Entry<String, String> acked : ackedRoom.entrySet()) {
        if (!writer.everReceived.getOrDefault(acked.getValue(), Set.of()).contains(acked.getKey())) {
          missed++;
        }
      }
    }
    System.out.printf("FaultIT %s: %d ids acked (%d acks, %d of them duplicates; %d more acked by the cut-off node)"
        + " in %d s; lost %d, duplicated %d, seq gaps %d; clients: out of order %d, seen twice %d, acked but never"
        + " received %d; resumes %d, history resets %d%n", store, ackedSeq.size(), acks, duplicateAcks,
      minority.size(), took.toSeconds(), lost, duplicated, gapsInSeqs, outOfOrder, seenTwice, missed, resumes, resets);
    assertEquals(0, lost, "acked ids missing from history");
    assertEquals(0, duplicated, "acked ids stored twice");
    assertEquals(0, gapsInSeqs, "seqs not gapless");
    assertEquals(0, outOfOrder, "a client saw seqs out of order");
    assertEquals(0, seenTwice, "a client saw a message twice in one run");
    assertEquals(0, missed, "a client never received an acked message");
    assertTrue(ackedSeq.size() > 50, "too little traffic to mean anything: " + ackedSeq.size());
  }

  private List<JsonObject> readHistory(String room) {
    List<JsonObject> all = new ArrayList<>();
    long since = 0;
    while (true) {
      JsonObject page = admin(1).get("/api/rooms/" + room + "/history?since=" + since + "&limit=1000").json();
      JsonArray messages = page.getJsonArray("messages");
      for (int i = 0; i < messages.size(); i++) {
        all.add(messages.getJsonObject(i));
      }
      if (messages.size() < 1000) {
        return all;
      }
      since = messages.getJsonObject(messages.size() - 1).getLong("seq");
    }
  }

  // ---- nodes

  private void start(int host, String cluster, Map<String, String> storeEnv) {
    Map<String, String> env = new LinkedHashMap<>();
    StringBuilder members = new StringBuilder();
    for (int other = 1; other <= HOSTS; other++) {
      members.append(other == 1 ? "" : ",").append(network.address(other)).append(":5701");
    }
    env.put("CLUSTER_NAME", cluster);
    env.put("CLUSTER_HOST", network.address(host));
    env.put("CLUSTER_PORT", "5701");
    env.put("CLUSTER_MEMBERS", members.toString());
    env.put("EVENTBUS_PORT", "5801");
    env.put("HTTP_PORT", String.valueOf(HTTP_PORT));
    env.put("ADMIN_TOKEN", TOKEN);
    env.put("HISTORY_SIZE", "100000");
    env.put("SHUTDOWN_TIMEOUT_SECONDS", "5");
    TestNodes.withoutRateLimit(env);
    env.putAll(storeEnv);
    nodes.put(host, NodeProcess.start("fault-host" + host, env, network.exec(host), network.address(host)));
  }

  private void awaitReady(Set<Integer> hosts) {
    for (int host : hosts) {
      nodes.get(host).awaitReady(READY);
    }
    up.addAll(hosts);
  }

  private Http admin(int host) {
    return Http.to(network.address(host), HTTP_PORT).timeout(Duration.ofSeconds(5))
      .header("Authorization", "Bearer " + TOKEN);
  }

  /** Waits until host {@code viewer}'s /api/cluster lists exactly these hosts. */
  private void awaitView(int viewer, Set<Integer> hosts, Duration wait) {
    Set<String> expected = new HashSet<>();
    hosts.forEach(host -> expected.add(network.address(host) + ":" + HTTP_PORT));
    long deadline = System.nanoTime() + wait.toNanos();
    String last = null;
    while (System.nanoTime() < deadline) {
      last = nodes.get(viewer).http().okBody("/api/cluster");
      if (last != null && addresses(new JsonObject(last)).equals(expected)) {
        return;
      }
      pause(Duration.ofMillis(200));
    }
    fail("host " + viewer + " never saw " + expected + " within " + wait + "; last: " + last);
  }

  /** Waits until the cut-off host sees itself alone (asked from inside its namespace). */
  private void awaitInside(int host, Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    while (System.nanoTime() < deadline) {
      String body = network.httpGetInside(host, HTTP_PORT, "/api/cluster");
      if (body != null && new JsonObject(body).getJsonArray("members").size() == 1) {
        return;
      }
      pause(Duration.ofMillis(200));
    }
    fail("host " + host + " never saw itself alone within " + wait);
  }

  private static Set<String> addresses(JsonObject view) {
    Set<String> addresses = new HashSet<>();
    JsonArray members = view.getJsonArray("members");
    for (int i = 0; i < members.size(); i++) {
      addresses.add(members.getJsonObject(i).getString("httpAddress"));
    }
    return addresses;
  }

  private static void steady() {
    pause(STEADY);
  }

  /** A pause of the workload's pace or a poll interval, never a wait for a condition. */
  private static void pause(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  // ---- clients

  /** An ack as its writer recorded it. */
  private record Acked(String room, String id, long seq, String epoch, boolean duplicate) {
  }

  /**
   * One client: publishes into the rooms in turn, one chat at a time, each resent until acked; reads
   * everything it is sent, and checks its order as it goes.
   */
  private final class Writer implements Runnable {
    final String name;
    final int home;
    final List<Acked> acked = new ArrayList<>();
    final Map<String, Set<String>> everReceived = new HashMap<>();
    /** Per room: the highest seq of the current run, the ids of the current run, the epoch. */
    final Map<String, Long> lastSeq = new HashMap<>();
    final Map<String, Set<String>> run = new HashMap<>();
    final Map<String, String> epoch = new HashMap<>();
    volatile boolean stopping;
    volatile String failure;
    ChatClient client;
    int next;
    int outOfOrder;
    int seenTwice;
    int resumes;
    int resets;
    boolean joinedOnce;

    Writer(String name, int home) {
      this.name = name;
      this.home = home;
    }

    void stop() {
      stopping = true;
    }

    @Override
    public void run() {
      try {
        while (!stopping) {
          String room = ROOMS.get(next % ROOMS.size());
          sendUntilAcked(room, name + "-" + next);
          next++;
          pause(PACE);
        }
      } catch (Throwable e) {
        failure = e.toString();
      }
    }

    /** Sends the chat until it is acked, on whichever node is up; returns its id. */
    String sendUntilAcked(String room, String id) {
      long deadline = System.nanoTime() + Duration.ofSeconds(150).toNanos();
      while (System.nanoTime() < deadline) {
        if (!connected()) {
          pause(Duration.ofMillis(200));
          continue;
        }
        try {
          client.send(new JsonObject().put("type", "chat").put("room", room).put("message", id).put("id", id));
          if (awaitAck(room, id)) {
            return id;
          }
        } catch (Throwable e) {
          drop();
        }
      }
      throw new AssertionError(name + ": " + id + " never acked");
    }

    /** True once acked; false after "not delivered" (resend); drops the connection when it fails or hangs. */
    private boolean awaitAck(String room, String id) {
      long deadline = System.nanoTime() + ACK_WAIT.toNanos();
      while (System.nanoTime() < deadline) {
        ChatClient.Received received = client.poll(Duration.ofMillis(50));
        if (received == null) {
          if (client.isClosed()) {
            drop();
            return false;
          }
          continue;
        }
        JsonObject message = received.json();
        if ("ack".equals(message.getString("type")) && id.equals(message.getString("id"))) {
          Acked ack = new Acked(room, id, message.getLong("seq"), message.getString("epoch"),
            message.getBoolean("duplicate", false));
          acked.add(ack);
          epoch.put(room, ack.epoch());
          return true;
        }
        if (isError(message, ChatError.NOT_DELIVERED) && room.equals(message.getString("room"))) {
          pause(Duration.ofMillis(200));
          return false;
        }
        take(message);
      }
      drop();
      return false;
    }

    private boolean isError(JsonObject message, ChatError error) {
      return "error".equals(message.getString("type")) && error.text().equals(message.getString("message"));
    }

    /** Reads one message that is not the awaited ack: chats are checked, resets start a new run. */
    private void take(JsonObject message) {
      String type = message.getString("type");
      String room = message.getString("room");
      if ("chat".equals(type) && message.getString("id") != null) {
        long seq = message.getLong("seq");
        String id = message.getString("id");
        if (seq <= lastSeq.getOrDefault(room, 0L)) {
          outOfOrder++;
        }
        if (!run.computeIfAbsent(room, r -> new HashSet<>()).add(id)) {
          seenTwice++;
        }
        lastSeq.put(room, Math.max(seq, lastSeq.getOrDefault(room, 0L)));
        everReceived.computeIfAbsent(room, r -> ConcurrentHashMap.newKeySet()).add(id);
      } else if ("status".equals(type) && name.equals(message.getString("name")) && message.getString("epoch") != null) {
        epoch.put(room, message.getString("epoch"));
      } else if (isError(message, ChatError.HISTORY_RESET)) {
        resets++;
        lastSeq.put(room, 0L);
        run.put(room, new HashSet<>());
      }
    }

    /** Connected and joined to every room, or false when no node would have it just now. */
    private boolean connected() {
      if (client != null && !client.isClosed()) {
        return true;
      }
      List<Integer> candidates = new ArrayList<>();
      for (int i = 0; i < HOSTS; i++) {
        int host = (home - 1 + i + resumes) % HOSTS + 1;
        if (up.contains(host)) {
          candidates.add(host);
        }
      }
      for (int host : candidates) {
        try {
          client = ChatClient.connect(clientVertx, network.address(host), HTTP_PORT, "/chat");
          for (String room : ROOMS) {
            JsonObject join = new JsonObject().put("type", "join").put("name", name).put("room", room);
            if (joinedOnce) {
              join.put("since", lastSeq.getOrDefault(room, 0L));
              if (epoch.get(room) != null) {
                join.put("epoch", epoch.get(room));
              }
            }
            client.send(join);
          }
          awaitOwnJoins();
          if (joinedOnce) {
            resumes++;
          }
          joinedOnce = true;
          return true;
        } catch (Throwable e) {
          drop();
        }
      }
      return false;
    }

    /** Reads the replays until this client's own join notice has come back in every room. */
    private void awaitOwnJoins() {
      Set<String> waiting = new HashSet<>(ROOMS);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (!waiting.isEmpty()) {
        if (System.nanoTime() > deadline || client.isClosed()) {
          throw new IllegalStateException("joins not confirmed");
        }
        ChatClient.Received received = client.poll(Duration.ofMillis(50));
        if (received != null) {
          JsonObject message = received.json();
          take(message);
          if ("status".equals(message.getString("type")) && name.equals(message.getString("name"))
            && message.getString("message").endsWith(" joined the chat.")) {
            waiting.remove(message.getString("room"));
          }
        }
      }
    }

    /** Reads until every one of {@code ids} has been received in its room (its run may have restarted). */
    void awaitReceived(Set<String> ids, Duration wait) {
      long deadline = System.nanoTime() + wait.toNanos();
      while (System.nanoTime() < deadline) {
        boolean all = true;
        for (String id : ids) {
          String room = id.substring(id.indexOf("-fence-") + "-fence-".length());
          if (!everReceived.getOrDefault(room, Set.of()).contains(id)) {
            all = false;
            break;
          }
        }
        if (all) {
          return;
        }
        if (!connected()) {
          pause(Duration.ofMillis(200));
          continue;
        }
        ChatClient.Received received = client.poll(Duration.ofMillis(50));
        if (received != null) {
          take(received.json());
        } else if (client.isClosed()) {
          drop();
        }
      }
      fail(name + " did not receive every fence within " + wait);
    }

    private void drop() {
      if (client != null) {
        try {
          client.close();
        } catch (Throwable ignored) {
          // Already gone.
        }
        client = null;
      }
    }

    void close() {
      drop();
    }
  }
}
