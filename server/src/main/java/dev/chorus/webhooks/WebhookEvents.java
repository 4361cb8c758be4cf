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

  public void roomOccupied(String room) {
    if (log != null) {
      append(event("room.occupied", room, System.currentTimeMillis()));
    }
  }

  public void roomVacated(String room) {
    if (log != null) {
      append(event("room.vacated", room, System.currentTimeMillis()));
    }
  }

  public void memberJoined(String room, Sender member) {
    if (log != null) {
      append(named(event("member.joined", room, System.currentTimeMillis()), member.name(), member.user()));
    }
  }

  public void memberLeft(String room, Sender member) {
    if (log != null) {
      append(named(event("member.left", room, System.currentTimeMillis()), member.name(), member.user()));
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
    append(event);
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

  private void append(JsonObject event) {
    HazelcastCalls.whenComplete(log.addAsync(event.encode(), OverflowPolicy.OVERWRITE), (sequence, failure) -> {
      if (failure == null) {
        unacceptedLogged.set(false);
        return;
      }
      metrics.webhookEventsDropped("unaccepted");
      if (unacceptedLogged.compareAndSet(false, true)) {
        LOGGER.warn("Webhook events cannot be added to the cluster's log, dropped: {}", failure.getMessage());
      }
    });
  }
}
