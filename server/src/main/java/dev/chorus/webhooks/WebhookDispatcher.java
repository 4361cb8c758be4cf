package dev.chorus.webhooks;

import com.hazelcast.config.Config;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.RingbufferConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.ringbuffer.ReadResultSet;
import com.hazelcast.ringbuffer.Ringbuffer;
import dev.chorus.config.Settings;
import dev.chorus.hazelcast.HazelcastCalls;
import dev.chorus.metrics.ChorusMetrics;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the cluster's webhook events ({@link WebhookEvents#LOG}) to webhooks.url, from the oldest member
 * only, so each event goes out once for the whole cluster: batches of up to {@link #MAX_BATCH} events (or what
 * {@link #TICK_MS} gathered) as {@code {"events":[...]}}, signed by {@link HookClient} (each attempt afresh,
 * with its own Chorus-Timestamp). The position of the next event to deliver is kept in the cluster
 * ({@link #CURSOR}), so when the oldest member dies the next oldest goes on from there: at least once, in the
 * order the cluster accepted the events (so in order per room). A batch that fails (not 2xx, or no answer
 * within webhooks.timeoutMillis) is sent again with backoff; an event is given up once it fails more than
 * webhooks.retrySeconds after it happened (its {@code ts}), so a receiver that is down for long gets, when it is
 * back, the events of its last retrySeconds, not the oldest ones the log still holds. Events pushed out of the
 * log before delivery (webhooks.queueSize) are dropped too; both are counted and logged once per episode. Runs
 * on one Vert.x context of the node.
 */
public final class WebhookDispatcher {

  public static final int MAX_BATCH = 100;
  public static final long TICK_MS = 200;
  /** The largest request body, roughly: a batch stops before it (but holds one event at least). */
  public static final int MAX_BATCH_BYTES = 256 * 1024;
  /** The cluster map holding the delivery position under the key "next". */
  public static final String CURSOR = "chorus.webhooks.cursor";
  private static final long MAX_BACKOFF_MS = 10_000;
  private static final Logger LOG = LoggerFactory.getLogger(WebhookDispatcher.class);

  private final Vertx vertx;
  private final Context context;
  private final HazelcastInstance hazelcast;
  private final Settings.Webhooks settings;
  private final ChorusMetrics metrics;
  private final Ringbuffer<String> log;
  private final IMap<String, Long> cursor;
  private final HookClient client;
  private long timer = -1;
  private boolean busy;
  private long backoffMs;
  private boolean overflowLogged;
  private boolean expiryLogged;

  public WebhookDispatcher(Vertx vertx, HazelcastInstance hazelcast, Settings.Webhooks settings, ChorusMetrics metrics) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.hazelcast = hazelcast;
    this.settings = settings;
    this.metrics = metrics;
    this.log = hazelcast.getRingbuffer(WebhookEvents.LOG);
    this.cursor = hazelcast.getMap(CURSOR);
    this.client = new HookClient(vertx, settings.secret(), settings.timeoutMillis());
  }

  /** The event log (webhooks.queueSize events, one synchronous backup) and the cursor map (one backup). */
  public static Config configure(Config config, Settings.Webhooks webhooks) {
    config.addRingBufferConfig(new RingbufferConfig(WebhookEvents.LOG).setCapacity(webhooks.queueSize())
      .setBackupCount(1).setAsyncBackupCount(0).setTimeToLiveSeconds(0));
    return config.addMapConfig(new MapConfig(CURSOR).setBackupCount(1));
  }

  public void start() {
    context.runOnContext(v -> timer = vertx.setPeriodic(TICK_MS, id -> tick()));
  }

  /** Stops delivering; completes once the client is closed (a batch in flight fails and stays in the log). */
  public Future<Void> stop() {
    return Future.<Void>future(done -> context.runOnContext(v -> {
      if (timer >= 0) {
        vertx.cancelTimer(timer);
        timer = -1;
      }
      done.complete();
    })).compose(v -> client.close());
  }

  /** The one member that delivers: the oldest. */
  private boolean leads() {
    return hazelcast.getLifecycleService().isRunning()
      && hazelcast.getCluster().getMembers().iterator().next().localMember();
  }

  private void tick() {
    if (busy || !leads()) {
      return;
    }
    busy = true;
    vertx.executeBlocking(() -> cursor.get("next"), false)
      .compose(this::deliverFrom)
      .onComplete(done -> busy = false);
  }

  /**
   * Reads and delivers one batch from the cursor's position {@code next} (null: none yet, the log's head);
   * goes on at once while batches are full and this member still leads.
   */
  private Future<Void> deliverFrom(Long next) {
    long from = next == null ? 0 : next;
    return HazelcastCalls.onContext(log.readManyAsync(from, 0, MAX_BATCH, null), context).compose(batch -> {
      if (batch.size() == 0) {
        return Future.succeededFuture();
      }
      long first = batch.getSequence(0);
      if (first > from) {
        // Read from a position the log no longer holds (with no cursor yet, the log's first, 0): Hazelcast
        // starts at its head instead.
        long lost = first - from;
        metrics.webhookEventsDropped("overflow", lost);
        if (!overflowLogged) {
          LOG.warn("Webhook receiver behind: {} event(s) pushed out of the log (webhooks.queueSize {}) were dropped",
            lost, settings.queueSize());
          overflowLogged = true;
        }
        return moveCursor(next, first).compose(moved -> moved ? deliverFrom(first) : Future.succeededFuture());
      }
      int count = batchLength(batch);
      return post(batch, count).compose(ok -> {
        if (!ok) {
          return dropExpired(next, batch, count).compose(moved -> moved ? retryLater() : Future.succeededFuture());
        }
        backoffMs = 0;
        overflowLogged = false;
        expiryLogged = false;
        metrics.webhookDelivered(count);
        long after = batch.getSequence(count - 1) + 1;
        return moveCursor(next, after).compose(moved -> moved && count == MAX_BATCH && leads() ? deliverFrom(after)
          : Future.succeededFuture());
      });
    });
  }

  /**
   * After a failed attempt, gives up the batch's leading events that happened more than webhooks.retrySeconds
   * ago, moving the cursor past them; the rest are retried. False when another member moved the cursor.
   */
  private Future<Boolean> dropExpired(Long next, ReadResultSet<String> batch, int count) {
    long oldest = System.currentTimeMillis() - settings.retrySeconds() * 1000L;
    int expired = 0;
    while (expired < count && new JsonObject(batch.get(expired)).getLong("ts", 0L) < oldest) {
      expired++;
    }
    if (expired == 0) {
      return Future.succeededFuture(true);
    }
    metrics.webhookEventsDropped("expired", expired);
    if (!expiryLogged) {
      LOG.warn("Webhook receiver failing: {} event(s) older than webhooks.retrySeconds ({} s) dropped; "
        + "further drops until it answers are only counted", expired, settings.retrySeconds());
      expiryLogged = true;
    }
    return moveCursor(next, batch.getSequence(expired - 1) + 1);
  }

  /** How many of the batch's events fit one request of at most {@link #MAX_BATCH_BYTES} (at least one). */
  private static int batchLength(ReadResultSet<String> batch) {
    int bytes = 0;
    for (int i = 0; i < batch.size(); i++) {
      bytes += batch.get(i).length() + 1;
      if (bytes > MAX_BATCH_BYTES && i > 0) {
        return i;
      }
    }
    return batch.size();
  }

  /**
   * Moves the cursor from {@code expected} (null: unset) to {@code next}; false when another member moved it
   * meanwhile (leadership changed): this one then stops, and its batch may have gone out twice (at least once).
   */
  private Future<Boolean> moveCursor(Long expected, long next) {
    if (expected == null) {
      return vertx.executeBlocking(() -> cursor.putIfAbsent("next", next) == null, false);
    }
    return vertx.executeBlocking(() -> cursor.replace("next", expected, next), false);
  }

  /** Waits out the backoff (doubling from the tick, at most 10 s) before the next attempt. */
  private Future<Void> retryLater() {
    metrics.webhookRetried();
    backoffMs = backoffMs == 0 ? TICK_MS : Math.min(MAX_BACKOFF_MS, backoffMs * 2);
    return Future.future(done -> vertx.setTimer(backoffMs, id -> done.complete()));
  }


  /** POSTs the batch's first {@code count} events; true for a 2xx answer, false for anything else. */
  private Future<Boolean> post(ReadResultSet<String> batch, int count) {
    StringBuilder body = new StringBuilder(64 + count * 128).append("{\"events\":[");
    for (int i = 0; i < count; i++) {
      body.append(i == 0 ? "" : ",").append(batch.get(i));
    }
    Buffer payload = Buffer.buffer(body.append("]}").toString());
    return client.post(settings.url(), payload, settings.timeoutMillis()).map(HookClient.Answer::ok).otherwise(false);
  }
}
