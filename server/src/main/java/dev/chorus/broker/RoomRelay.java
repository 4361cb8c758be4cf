package dev.chorus.broker;

import dev.chorus.cluster.Addresses;
import dev.chorus.cluster.ClusterBus;
import dev.chorus.cluster.Envelope;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;

/**
 * The node's one cluster-wide consumer of {@link Addresses#ROOM_BROADCAST}: each broadcast is opened (verified and
 * decrypted) once per node here, then handed as a verified {@link Envelope} to every verticle instance's
 * {@link EventBusBroker} at {@link Addresses#ROOM_LOCAL}, or to the {@link SubscriptionProbe} when it is a probe.
 * Opening once per node rather than once per event loop keeps the cost of sealing independent of the event loops,
 * and lets the replay check see each broadcast once. Thread-safe: one per node.
 */
public final class RoomRelay {

  private final ClusterBus bus;
  private final SubscriptionProbe probe;
  private final DeliveryOptions local = new DeliveryOptions().setLocalOnly(true);
  private MessageConsumer<Object> consumer;

  /** {@code probe} hears the subscription probes that arrive here; null for none (a node without a cluster). */
  public RoomRelay(ClusterBus bus, SubscriptionProbe probe) {
    this.bus = bus;
    this.probe = probe;
  }

  /** Subscribes cluster-wide; completes once the subscription is registered. */
  public Future<Void> start() {
    consumer = bus.consumer(Addresses.ROOM_BROADCAST, incoming -> {
      Envelope envelope = incoming.envelope();
      if (envelope.header(Addresses.ROOM_HEADER) != null) {
        bus.eventBus().publish(Addresses.ROOM_LOCAL, envelope, local);
      } else if (probe != null) {
        probe.arrived(envelope.header(Addresses.PROBE_FOR_HEADER), envelope.header(Addresses.PROBE_FROM_HEADER));
      }
    });
    return consumer.completion();
  }

  public Future<Void> stop() {
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }
}
