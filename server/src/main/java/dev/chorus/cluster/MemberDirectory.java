package dev.chorus.cluster;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.chorus.hazelcast.HazelcastCalls;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * The cluster's members as GET /api/cluster reports them: node id, HTTP address, connected clients, uptime.
 * <p>Each node publishes its own entry into the Hazelcast map {@value #MAP_NAME}, keyed by its Vert.x node
 * id, every {@value #REFRESH_MILLIS} ms (so client counts are at most that old) with a time-to-live of
 * {@value #ENTRY_TTL_SECONDS} s. The view lists exactly the current Hazelcast members, oldest first: a
 * departed member disappears as soon as the cluster removes it, and its entry is deleted. After a
 * split-brain merge the refresh puts every entry back within one period.
 */
public final class MemberDirectory {

  /** The Hazelcast map holding one JSON entry per node. */
  public static final String MAP_NAME = "chorus.members";
  /** How often a node refreshes its own entry. */
  public static final long REFRESH_MILLIS = 2000;
  /** A view not read within this long (the cluster is merging or unreachable) fails instead of waiting. */
  public static final long VIEW_TIMEOUT_MILLIS = 5000;
  /** An entry not refreshed for this long expires (its node froze or vanished unnoticed). */
  public static final long ENTRY_TTL_SECONDS = 30;
  /** The member attribute where vertx-hazelcast keeps the Vert.x node id. */
  static final String NODE_ID_ATTRIBUTE = "__vertx.nodeId";

  private static final Logger LOG = LoggerFactory.getLogger(MemberDirectory.class);

  private final Vertx vertx;
  private final HazelcastClusterManager clusterManager;
  private final String httpAddress;
  private final IntSupplier clients;
  private final long startedNanos = System.nanoTime();
  private final IMap<String, String> entries;
  private UUID membershipListener;
  private long refreshTimer = -1;

  /**
   * @param httpAddress host:port where this node's HTTP endpoints are reached
   * @param clients     this node's connected WebSocket clients
   */
  public MemberDirectory(Vertx vertx, HazelcastClusterManager clusterManager, String httpAddress, IntSupplier clients) {
    this.vertx = vertx;
    this.clusterManager = clusterManager;
    this.httpAddress = httpAddress;
    this.clients = clients;
    this.entries = clusterManager.getHazelcastInstance().getMap(MAP_NAME);
  }

  /** Publishes this node's entry, then keeps it fresh; completes once the first entry is stored. */
  public Future<Void> start() {
    HazelcastInstance hazelcast = clusterManager.getHazelcastInstance();
    membershipListener = hazelcast.getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        String nodeId = event.getMember().getAttribute(NODE_ID_ATTRIBUTE);
        if (nodeId != null) {
          entries.removeAsync(nodeId);
        }
      }
    });
    refreshTimer = vertx.setPeriodic(REFRESH_MILLIS, id -> publish()
      .onFailure(e -> LOG.debug("Member entry not refreshed: {}", e.getMessage())));
    return publish();
  }

  private Future<Void> publish() {
    String entry = self().encode();
    return HazelcastCalls.onCompletion(
      entries.setAsync(clusterManager.getNodeId(), entry, ENTRY_TTL_SECONDS, TimeUnit.SECONDS));
  }

  private JsonObject self() {
    return new JsonObject()
      .put("nodeId", clusterManager.getNodeId())
      .put("httpAddress", httpAddress)
      .put("clients", clients.getAsInt())
      .put("uptimeSeconds", TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startedNanos));
  }

  /**
   * {@code {"nodeId": this node, "members": [{nodeId, httpAddress, clients, uptimeSeconds}, ...]}}, the
   * members in cluster order (oldest first). A member that has not published its entry yet is listed with
   * null fields. Fails after {@value #VIEW_TIMEOUT_MILLIS} ms rather than wait for a cluster in trouble.
   */
  public Future<JsonObject> view() {
    return vertx.executeBlocking(() -> {
      String self = clusterManager.getNodeId();
      List<String> nodes = clusterManager.getNodes();
      Map<String, String> published = entries.getAll(new HashSet<>(nodes));
      JsonArray members = new JsonArray();
      for (String nodeId : nodes) {
        String entry = published.get(nodeId);
        if (nodeId.equals(self)) {
          members.add(self());
        } else if (entry != null) {
          members.add(new JsonObject(entry));
        } else {
          members.add(new JsonObject().put("nodeId", nodeId).putNull("httpAddress").putNull("clients")
            .putNull("uptimeSeconds"));
        }
      }
      return new JsonObject().put("nodeId", self).put("members", members);
    }, false).timeout(VIEW_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** Stops refreshing and withdraws this node's entry (best effort: it expires anyway). */
  public void stop() {
    if (refreshTimer >= 0) {
      vertx.cancelTimer(refreshTimer);
    }
    try {
      if (membershipListener != null) {
        clusterManager.getHazelcastInstance().getCluster().removeMembershipListener(membershipListener);
      }
      entries.removeAsync(clusterManager.getNodeId());
    } catch (RuntimeException e) {
      LOG.debug("Member entry not withdrawn: {}", e.getMessage());
    }
  }
}
