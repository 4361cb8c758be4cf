package dev.chorus.webhooks;

import com.hazelcast.core.HazelcastInstance;
import dev.chorus.metrics.ChorusMetrics;
import com.hazelcast.ringbuffer.OverflowPolicy;
import com.hazelcast.ringbuffer.Ringbuffer;
import io.vertx.core.json.JsonObject;

import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What happens in rooms, as webhook events, accepted into the cluster's event log ({@link #LOG}: a Hazelcast
 * Ringbuffer with one synchronous backup, so an accepted event outlives the node that produced it) for the
 * one {@link WebhookDispatcher} of the cluster to deliver. Appending never waits: a chat is never slowed by
 * webhooks; what the log cannot take is counted. Thread-safe: one per node. With webhooks off, every call
 * does nothing ({@link #OFF}).
 */
public class WebhookEvents {

  /** The cluster's event log: events in the order the cluster accepted them. */
  public static final String LOG = "chorus.webhooks.events";

  /** Webhooks off: no events. */
  public static final WebhookEvents OFF = new WebhookEvents();

  private final Ringbuffer<String> log;
  private final ChorusMetrics metrics;
  private final String idPrefix = UUID.randomUUID().toString().substring(0, 8) + "-";
  private final AtomicLong counter = new AtomicLong();

  private WebhookEvents() {
    this.log = null;
    this.metrics = null;
  }

  public WebhookEvents(HazelcastInstance hazelcast, ChorusMetrics metrics) {
    this.log = hazelcast.getRingbuffer(LOG);
    this.metrics = metrics;
  }

  public void roomOccupied(String room) {
    append(event("room.occupied", room));
  }

  public void roomVacated(String room) {
    append(event("room.vacated", room));
  }

  public void memberJoined(String room, String name) {
    append(event("member.joined", room).put("name", name));
  }

  public void memberLeft(String room, String name) {
    append(event("member.left", room).put("name", name));
  }

  /** A chat message, with its seq (0: a room without history, then no seq). */
  public void messagePublished(String room, String name, String message, long seq) {
    JsonObject event = event("message.published", room).put("name", name).put("message", message);
    if (seq > 0) {
      event.put("seq", seq);
    }
    append(event);
  }

  private JsonObject event(String type, String room) {
    return new JsonObject().put("id", idPrefix + counter.incrementAndGet()).put("type", type)
      .put("ts", System.currentTimeMillis()).put("room", room);
  }

  private void append(JsonObject event) {
    if (log == null) {
      return;
    }
    log.addAsync(event.encode(), OverflowPolicy.OVERWRITE).whenComplete((sequence, failure) -> {
      if (failure != null) {
        metrics.webhookEventsDropped("unaccepted");
      }
    });
  }
}
