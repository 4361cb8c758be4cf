package dev.chorus.broker;

import dev.chorus.cluster.Addresses;
import dev.chorus.hub.LocalHub;
import dev.chorus.metrics.ChorusMetrics;
import dev.chorus.protocol.MessageCodec;
import dev.chorus.protocol.ServerMessage;
import dev.chorus.cluster.ClusterBus;
import dev.chorus.cluster.Envelope;
import io.vertx.core.Future;
import io.vertx.core.eventbus.MessageConsumer;

import java.util.Map;

/**
 * {@link Broker} over the cluster's event bus: one publish per message to {@link Addresses#ROOM_BROADCAST}
 * through {@link ClusterBus} (sealed once with the cluster secret), which each node's {@link RoomRelay} opens and
 * hands to every verticle instance of the node at {@link Addresses#ROOM_LOCAL}; this broker gives it to its
 * {@link LocalHub}. The body is the message's UTF-8 JSON, so receivers write it without decoding; the room, a
 * chat message's seq and epoch, and the publish time travel as envelope headers, sealed with the body.
 * Confined to its verticle's event loop.
 */
public final class EventBusBroker implements Broker {

  private final ClusterBus bus;
  private final LocalHub hub;
  private final ChorusMetrics metrics;
  private MessageConsumer<Envelope> consumer;

  public EventBusBroker(ClusterBus bus, LocalHub hub, ChorusMetrics metrics) {
    this.bus = bus;
    this.hub = hub;
    this.metrics = metrics;
  }

  @Override
  public void publish(String room, ServerMessage message) {
    metrics.messagePublished();
    bus.publish(Addresses.ROOM_BROADCAST, new Envelope(Map.of(Addresses.ROOM_HEADER, room,
      Addresses.PUBLISHED_AT_HEADER, Long.toString(ChorusMetrics.epochMicros())), MessageCodec.encode(message)));
  }

  @Override
  public void publishChat(String room, ServerMessage.Chat chat, String epoch) {
    metrics.messagePublished();
    String publishedAt = Long.toString(ChorusMetrics.epochMicros());
    Map<String, String> headers;
    if (!chat.sequenced()) {
      headers = Map.of(Addresses.ROOM_HEADER, room, Addresses.PUBLISHED_AT_HEADER, publishedAt);
    } else if (epoch == null) {
      headers = Map.of(Addresses.ROOM_HEADER, room, Addresses.PUBLISHED_AT_HEADER, publishedAt,
        Addresses.SEQ_HEADER, Long.toString(chat.seq()));
    } else {
      headers = Map.of(Addresses.ROOM_HEADER, room, Addresses.PUBLISHED_AT_HEADER, publishedAt,
        Addresses.SEQ_HEADER, Long.toString(chat.seq()), Addresses.EPOCH_HEADER, epoch);
    }
    bus.publish(Addresses.ROOM_BROADCAST, new Envelope(headers, MessageCodec.encode(chat)));
  }

  @Override
  public void publishEphemeral(String room, String from, ServerMessage message) {
    bus.publish(Addresses.ROOM_BROADCAST, new Envelope(Map.of(Addresses.ROOM_HEADER, room,
      Addresses.EPHEMERAL_FROM_HEADER, from), MessageCodec.encode(message)));
  }

  @Override
  public Future<Void> subscribe() {
    consumer = bus.eventBus().localConsumer(Addresses.ROOM_LOCAL, message -> deliver(message.body()));
    return consumer.completion();
  }

  private void deliver(Envelope message) {
    String room = message.header(Addresses.ROOM_HEADER);
    if (room == null || hub.size(room) == 0) {
      // Every event loop of every node hears every room: skip rooms with no one here.
      return;
    }
    String ephemeralFrom = message.header(Addresses.EPHEMERAL_FROM_HEADER);
    if (ephemeralFrom != null) {
      hub.deliverEphemeral(room, ephemeralFrom, message.body());
      return;
    }
    metrics.publishToDeliver(parsed(message.header(Addresses.PUBLISHED_AT_HEADER)));
    String seq = message.header(Addresses.SEQ_HEADER);
    try {
      hub.deliver(room, seq == null ? -1 : Long.parseLong(seq), message.header(Addresses.EPOCH_HEADER), message.body());
    } catch (NumberFormatException e) {
      // Not from a Chorus node of this version: ignored.
    }
  }

  private static long parsed(String micros) {
    try {
      return micros == null ? -1 : Long.parseLong(micros);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  @Override
  public Future<Void> unsubscribe() {
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }
}
