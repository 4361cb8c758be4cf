package dev.chorus.webhooks;

import com.hazelcast.core.HazelcastInstance;
import dev.chorus.hazelcast.HazelcastCalls;
import dev.chorus.metrics.ChorusMetrics;
import dev.chorus.protocol.Sender;
import dev.chorus.protocol.ServerMessage;
import com.hazelcast.ringbuffer.OverflowPolicy;
import com.hazelcast.ringbuffer.Ringbuffer;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What happens in rooms, as webhook events, accepted into the cluster's event log ({@link #LOG}: a Hazelcast
 * Ringbuffer with one synchronous backup, so an accepted event outlives the node that produced it) for the
 * one {@link WebhookDispatcher} of the cluster to deliver. Appending never waits: a chat is never slowed by
 * webhooks; what the log cannot take is counted. Thread-safe: one per node. With webhooks off, every call
 * does nothing ({@link #OFF}).
 */
public final class WebhookEvents {

  /** The cluster's event log: events in the order the cluster accepted them. */
  public static final String LOG = "chorus.webhooks.events";

  private static final Logger LOGGER = LoggerFactory.getLogger(WebhookEvents.class);

  /** Webhooks off: no events. */
  public static final WebhookEvents OFF = new WebhookEvents();

  private final Ringbuffer<String> log;
  private final ChorusMetrics metrics;
  private final String idPrefix;
  private final AtomicLong counter = new AtomicLong();
  private final AtomicBoolean unacceptedLogged = new AtomicBoolean();

  private WebhookEvents() {
    this.log = null;
    this.metrics = null;
    this.idPrefix = "";
  }

  public WebhookEvents(HazelcastInstance hazelcast, ChorusMetrics metrics) {
    this.log = hazelcast.getRingbuffer(LOG);
    this.metrics = metrics;
    // The member's UUID is new at every start: ids never repeat across nodes or restarts.
    this.idPrefix = hazelcast.getCluster().getLocalMember().getUuid() + "-";
  }

  /**
   * A member joined {@code room}; {@code occupied}: it was the room's first, and {@code room.occupied} goes
   * before its {@code member.joined}. Both enter the log in one operation, so nothing can come between them or
   * swap them (separate asynchronous adds can, when one is retried during a migration).
   */
  public void memberJoined(String room, Sender member, boolean occupied) {
    if (log != null) {
      JsonObject joined = named(event("member.joined", room, System.currentTimeMillis()), member.name(), member.user());
      append(occupied ? List.of(event("room.occupied", room, System.currentTimeMillis()), joined) : List.of(joined));
    }
  }

  /**
   * Members left {@code room}, in this order; {@code vacated}: the room is empty now, and {@code room.vacated}
   * follows them, in the same operation.
   */
  public void membersLeft(String room, List<Sender> members, boolean vacated) {
    if (log == null) {
      return;
    }
    List<JsonObject> events = new ArrayList<>(members.size() + 1);
    for (Sender member : members) {
      events.add(named(event("member.left", room, System.currentTimeMillis()), member.name(), member.user()));
    }
    if (vacated) {
      events.add(event("room.vacated", room, System.currentTimeMillis()));
    }
    if (!events.isEmpty()) {
      append(events);
    }
  }

  /**
   * A chat message as it was sequenced: its seq (none in a room without history), ts, the epoch its seq counts
   * in (null: none), and its client id as {@code messageId} (the event's own {@code id} names the event).
   */
  public void messagePublished(ServerMessage.Chat chat, String epoch) {
    if (log == null) {
      return;
    }
    JsonObject event = named(event("message.published", chat.room(), chat.ts()), chat.sender(), chat.user())
      .put("message", chat.message());
    if (chat.sequenced()) {
      event.put("seq", chat.seq());
    }
    if (epoch != null) {
      event.put("epoch", epoch);
    }
    if (chat.id() != null) {
      event.put("messageId", chat.id());
    }
    append(List.of(event));
  }

  /** The event with {@code name}, and {@code user} when there is one (JWT on). */
  private static JsonObject named(JsonObject event, String name, String user) {
    event.put("name", name);
    return user == null ? event : event.put("user", user);
  }

  private JsonObject event(String type, String room, long ts) {
    return new JsonObject().put("id", idPrefix + counter.incrementAndGet()).put("type", type).put("ts", ts)
      .put("room", room);
  }

  /** Adds {@code events} to the cluster's log in one operation, in order. */
  private void append(List<JsonObject> events) {
    List<String> encoded = new ArrayList<>(events.size());
    events.forEach(event -> encoded.add(event.encode()));
    HazelcastCalls.whenComplete(log.addAllAsync(encoded, OverflowPolicy.OVERWRITE), (sequence, failure) -> {
      if (failure == null) {
        unacceptedLogged.set(false);
        return;
      }
      metrics.webhookEventsDropped("unaccepted", events.size());
      if (unacceptedLogged.compareAndSet(false, true)) {
        LOGGER.warn("Webhook events cannot be added to the cluster's log, dropped: {}", failure.getMessage());
      }
    });
  }
}
