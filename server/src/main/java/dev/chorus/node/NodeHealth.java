package dev.chorus.node;

import dev.chorus.cluster.Addresses;
import dev.chorus.history.RoomHistory;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import com.hazelcast.core.HazelcastInstance;

/**
 * The node's health checks, answered as JSON per check by vertx-health-check
 * ({@code {"status":"UP","checks":[{"id":"cluster","status":"UP","data":{...}}, ...]}}):
 * <ul>
 *   <li>liveness, GET /health: {@code http}, UP while the process serves requests (draining included):
 *       200, so a probe never restarts a node that is merely starting or draining;</li>
 *   <li>readiness, GET /ready: {@code cluster} (Hazelcast running and joined; member count and whether
 *       the cluster is safe, i.e. no partition migrating, as data), {@code eventbus} (this node's
 *       subscriptions registered cluster-wide), {@code http} (not draining) and {@code history} (the history
 *       store answers: always with the memory store; PostgreSQL as last seen): 200 when all are UP,
 *       503 before the node has joined and subscribed and from the start of a shutdown.</li>
 * </ul>
 * "Safe" is reported, not required: after any member leaves, every node is briefly unsafe while partitions
 * migrate, and failing readiness then would take the whole cluster out of its load balancer at once.
 */
public final class NodeHealth {

  /** How long a check may take before it counts as DOWN. */
  private static final long CHECK_TIMEOUT_MILLIS = 3_000;

  private final HealthChecks liveness;
  private final HealthChecks readiness;

  public NodeHealth(Vertx vertx, Readiness state, HazelcastClusterManager clusterManager, RoomHistory history) {
    liveness = HealthChecks.create(vertx)
      .register("http", promise -> promise.complete(Status.OK(new JsonObject().put("draining", state.isDraining()))));
    readiness = HealthChecks.create(vertx)
      .register("cluster", CHECK_TIMEOUT_MILLIS, promise -> checkCluster(vertx, clusterManager, promise))
      .register("eventbus", promise -> promise.complete(status(state.isJoined(), new JsonObject()
        .put("address", Addresses.ROOM_BROADCAST).put("registered", state.isJoined()))))
      .register("http", promise -> promise.complete(status(!state.isDraining(),
        new JsonObject().put("draining", state.isDraining()))))
      .register("history", promise -> promise.complete(status(history.reachable(),
        new JsonObject().put("store", history.store()).put("reachable", history.reachable()))));
  }

  /** The liveness checks, for tests. */
  HealthChecks livenessChecks() {
    return liveness;
  }

  /** The readiness checks, for tests. */
  HealthChecks readinessChecks() {
    return readiness;
  }

  /** GET /health. */
  public Handler<RoutingContext> livenessHandler() {
    return HealthCheckHandler.createWithHealthChecks(liveness);
  }

  /** GET /ready. */
  public Handler<RoutingContext> readinessHandler() {
    return HealthCheckHandler.createWithHealthChecks(readiness);
  }

  private static void checkCluster(Vertx vertx, HazelcastClusterManager clusterManager, Promise<Status> promise) {
    // Hazelcast's calls may block: off the event loop.
    vertx.executeBlocking(() -> {
      HazelcastInstance hazelcast = clusterManager.getHazelcastInstance();
      if (hazelcast == null || !hazelcast.getLifecycleService().isRunning()) {
        return Status.KO(new JsonObject().put("joined", false));
      }
      return Status.OK(new JsonObject()
        .put("joined", true)
        .put("nodeId", clusterManager.getNodeId())
        .put("members", hazelcast.getCluster().getMembers().size())
        .put("safe", hazelcast.getPartitionService().isClusterSafe()));
    }, false).onComplete(promise);
  }

  private static Status status(boolean up, JsonObject data) {
    return up ? Status.OK(data) : Status.KO(data);
  }
}
