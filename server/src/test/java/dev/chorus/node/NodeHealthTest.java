package dev.chorus.node;

import com.hazelcast.config.Config;
import com.hazelcast.core.HazelcastInstance;
import dev.chorus.history.HazelcastRoomHistory;
import dev.chorus.support.StandaloneHazelcast;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;

import static dev.chorus.support.Await.result;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The checks' outcomes for each state of a node, without a cluster: the cluster manager is never started. */
@Timeout(30)
class NodeHealthTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private Vertx vertx;
  private Readiness readiness;
  private NodeHealth health;
  private HazelcastInstance store;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    readiness = new Readiness();
    store = StandaloneHazelcast.start();
    health = new NodeHealth(vertx, readiness, new HazelcastClusterManager(new Config()),
      new HazelcastRoomHistory(vertx, store, room -> 10, 86_400));
  }

  @AfterEach
  void tearDown() {
    vertx.close().await();
    store.shutdown();
  }

  @Test
  void beforeJoiningTheNodeIsAliveButNotReady() {
    JsonObject ready = result(health.readinessChecks().checkStatus(), WAIT).toJson();
    assertEquals("DOWN", ready.getString("status"));
    assertEquals(new JsonObject().put("joined", false), check(ready, "cluster").getJsonObject("data"));
    assertEquals(false, check(ready, "eventbus").getJsonObject("data").getBoolean("registered"));
    assertEquals("UP", check(ready, "http").getString("status"));
    assertEquals(new JsonObject().put("store", "memory").put("reachable", true), check(ready, "history").getJsonObject("data"));
    assertEquals("UP", result(health.livenessChecks().checkStatus(), WAIT).toJson().getString("status"));
  }

  @Test
  void drainingTakesHttpDownForReadinessButNotForLiveness() {
    readiness.markJoined();
    readiness.markDraining();
    JsonObject ready = result(health.readinessChecks().checkStatus(), WAIT).toJson();
    assertEquals("UP", check(ready, "eventbus").getString("status"));
    assertEquals("DOWN", check(ready, "http").getString("status"));
    JsonObject live = result(health.livenessChecks().checkStatus(), WAIT).toJson();
    assertEquals("UP", live.getString("status"));
    assertEquals(true, check(live, "http").getJsonObject("data").getBoolean("draining"));
  }

  private static JsonObject check(JsonObject outcome, String id) {
    return outcome.getJsonArray("checks").stream().map(JsonObject.class::cast)
      .filter(c -> id.equals(c.getString("id"))).findFirst()
      .orElseThrow(() -> new AssertionError("no check " + id + " in " + outcome));
  }
}
