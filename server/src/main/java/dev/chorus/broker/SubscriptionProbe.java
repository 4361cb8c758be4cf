package dev.chorus.broker;

import dev.chorus.cluster.Addresses;
import dev.chorus.cluster.ClusterBus;
import dev.chorus.cluster.Envelope;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tells when this node and every other member reach each other on the room address: a subscription registered
 * cluster-wide reaches the other members' event buses a moment later (and theirs reach a new node's), and a
 * publish made before then misses the node. A starting node asks each member (at {@code chorus.probe.<node
 * id>}) to publish a probe for it on the room address; then it publishes a probe of its own, which each member
 * acknowledges. Once both have come from every member, publishes go both ways. Thread-safe: one per node.
 */
public final class SubscriptionProbe {

  /** Each node's address for probe requests: this prefix and its node id. */
  public static final String ADDRESS_PREFIX = "chorus.probe.";
  private static final long RETRY_MS = 200;
  /** A probe for every member: each acknowledges it. */
  private static final String EVERYONE = "*";
  private static final String ACK = "ack:";
  private static final Logger LOG = LoggerFactory.getLogger(SubscriptionProbe.class);

  private final Vertx vertx;
  private final ClusterBus bus;
  private final String nodeId;
  private final Set<String> heardFrom = ConcurrentHashMap.newKeySet();
  private final Set<String> acknowledgedBy = ConcurrentHashMap.newKeySet();
  private MessageConsumer<Object> consumer;

  /** Probes through {@code bus} (sealed like every message between nodes); {@code vertx} runs the retries. */
  public SubscriptionProbe(Vertx vertx, ClusterBus bus, String nodeId) {
    this.vertx = vertx;
    this.bus = bus;
    this.nodeId = nodeId;
  }

  /** Answers other nodes' probe requests: publishes a probe for the asking node on the room address. */
  public Future<Void> start() {
    consumer = bus.consumer(ADDRESS_PREFIX + nodeId, request -> {
      String body = new String(request.envelope().body(), StandardCharsets.UTF_8);
      if (body.startsWith(ACK)) {
        acknowledgedBy.add(body.substring(ACK.length()));
        return;
      }
      publishProbe(body);
      request.reply(Envelope.of(new byte[0]));
    });
    return consumer.completion();
  }

  private void publishProbe(String probeFor) {
    bus.publish(Addresses.ROOM_BROADCAST, new Envelope(Map.of(Addresses.PROBE_FOR_HEADER, probeFor,
      Addresses.PROBE_FROM_HEADER, nodeId), new byte[0]));
  }

  /** A message without a room arrived at this node's room consumer: a probe, when it carries the headers. */
  void arrived(String probeFor, String probeFrom) {
    if (probeFor == null || probeFrom == null) {
      return;
    }
    if (nodeId.equals(probeFor)) {
      heardFrom.add(probeFrom);
    } else if (EVERYONE.equals(probeFor) && !nodeId.equals(probeFrom)) {
      bus.send(ADDRESS_PREFIX + probeFrom, utf8(ACK + nodeId));
    }
  }

  /**
   * Completes once a probe from each of {@code members} (this node's id is skipped) has arrived, asking again
   * every {@link #RETRY_MS}; after {@code maxMillis} it completes anyway, with one warning naming the silent.
   */
  public Future<Void> awaitVisibleTo(List<String> members, long maxMillis) {
    Set<String> waiting = new HashSet<>(members);
    waiting.remove(nodeId);
    Promise<Void> done = Promise.promise();
    long deadline = System.nanoTime() + maxMillis * 1_000_000L;
    ask(waiting, deadline, done);
    return done.future();
  }

  private void ask(Set<String> waiting, long deadline, Promise<Void> done) {
    waiting.removeAll(heardFrom);
    if (waiting.isEmpty()) {
      Set<String> members = new HashSet<>(heardFrom);
      members.remove(nodeId);
      tell(members, deadline, done);
      return;
    }
    if (System.nanoTime() > deadline) {
      LOG.warn("Members {} did not show that they reach this node's subscription yet; going on", waiting);
      done.complete();
      return;
    }
    for (String member : waiting) {
      bus.request(ADDRESS_PREFIX + member, utf8(nodeId), RETRY_MS * 5);
    }
    vertx.setTimer(RETRY_MS, id -> ask(waiting, deadline, done));
  }

  /** The other way: publishes a probe of this node's until each member acknowledged it. */
  private void tell(Set<String> members, long deadline, Promise<Void> done) {
    members.removeAll(acknowledgedBy);
    if (members.isEmpty()) {
      done.complete();
      return;
    }
    if (System.nanoTime() > deadline) {
      LOG.warn("Members {} did not show that this node's publishes reach them yet; going on", members);
      done.complete();
      return;
    }
    publishProbe(EVERYONE);
    vertx.setTimer(RETRY_MS, id -> tell(members, deadline, done));
  }

  private static Envelope utf8(String text) {
    return Envelope.of(text.getBytes(StandardCharsets.UTF_8));
  }
}
