package dev.chorus.broker;

import dev.chorus.cluster.Addresses;
import dev.chorus.hub.LocalHub;
import dev.chorus.metrics.ChorusMetrics;
import dev.chorus.protocol.MessageCodec;
import dev.chorus.protocol.ServerMessage;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;

/**
 * {@link Broker} over Vert.x's clustered event bus: one publish per message to {@link Addresses#ROOM_BROADCAST},
 * which every verticle instance of every node consumes, handing the bytes to its {@link LocalHub}.
 * The body is the message's UTF-8 JSON, so receivers write it without decoding; a chat message's seq and
 * epoch travel in headers too, for ordering and deduplication.
 */
public final class EventBusBroker implements Broker {

  private final EventBus eventBus;
  private final LocalHub hub;
  private final ChorusMetrics metrics;
  private final SubscriptionProbe probe;
  private MessageConsumer<Buffer> consumer;

  /** {@code probe} hears the subscription probes that arrive here; null for none (a node without a cluster). */
  public EventBusBroker(EventBus eventBus, LocalHub hub, ChorusMetrics metrics, SubscriptionProbe probe) {
    this.eventBus = eventBus;
    this.hub = hub;
    this.metrics = metrics;
    this.probe = probe;
  }

  @Override
  public void publish(String room, ServerMessage message) {
    eventBus.publish(Addresses.ROOM_BROADCAST, Buffer.buffer(MessageCodec.encode(message)), options(room));
  }

  @Override
  public void publishChat(String room, ServerMessage.Chat chat, String epoch) {
    DeliveryOptions options = options(room);
    if (chat.sequenced()) {
      options.addHeader(Addresses.SEQ_HEADER, Long.toString(chat.seq()));
      if (epoch != null) {
        options.addHeader(Addresses.EPOCH_HEADER, epoch);
      }
    }
    eventBus.publish(Addresses.ROOM_BROADCAST, Buffer.buffer(MessageCodec.encode(chat)), options);
  }

  private DeliveryOptions options(String room) {
    metrics.messagePublished();
    return new DeliveryOptions().addHeader(Addresses.ROOM_HEADER, room)
      .addHeader(Addresses.PUBLISHED_AT_HEADER, Long.toString(ChorusMetrics.epochMicros()));
  }

  @Override
  public void publishEphemeral(String room, String from, ServerMessage message) {
    DeliveryOptions options = new DeliveryOptions().addHeader(Addresses.ROOM_HEADER, room)
      .addHeader(Addresses.EPHEMERAL_FROM_HEADER, from);
    eventBus.publish(Addresses.ROOM_BROADCAST, Buffer.buffer(MessageCodec.encode(message)), options);
  }

  @Override
  public Future<Void> subscribe() {
    consumer = eventBus.consumer(Addresses.ROOM_BROADCAST, this::deliver);
    return consumer.completion();
  }

  private void deliver(Message<Buffer> message) {
    String room = message.headers().get(Addresses.ROOM_HEADER);
    if (room == null) {
      if (probe != null) {
        probe.arrived(message.headers().get(Addresses.PROBE_FOR_HEADER), message.headers().get(Addresses.PROBE_FROM_HEADER));
      }
      return;
    }
    if (hub.size(room) == 0) {
      // Every event loop of every node hears every room: skip the copy and parsing for rooms with no one here.
      return;
    }
    String ephemeralFrom = message.headers().get(Addresses.EPHEMERAL_FROM_HEADER);
    if (ephemeralFrom != null) {
      hub.deliverEphemeral(room, ephemeralFrom, message.body().getBytes());
      return;
    }
    metrics.publishToDeliver(publishedAt(message));
    String seq = message.headers().get(Addresses.SEQ_HEADER);
    try {
      hub.deliver(room, seq == null ? -1 : Long.parseLong(seq), message.headers().get(Addresses.EPOCH_HEADER),
        message.body().getBytes());
    } catch (NumberFormatException e) {
      // Not from a Chorus node of this version: ignored.
    }
  }

  private static long publishedAt(Message<Buffer> message) {
    String micros = message.headers().get(Addresses.PUBLISHED_AT_HEADER);
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
