package dev.chorus.webhooks;

import com.hazelcast.config.Config;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.RingbufferConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.ringbuffer.ReadResultSet;
import com.hazelcast.ringbuffer.Ringbuffer;
import dev.chorus.config.Settings;
import dev.chorus.metrics.ChorusMetrics;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the cluster's webhook events ({@link WebhookEvents#LOG}) to webhooks.url, from the oldest member
 * only, so each event goes out once for the whole cluster: batches of up to {@link #MAX_BATCH} events (or what
 * {@link #TICK_MS} gathered) as {@code {"events":[...]}}, signed with {@code Chorus-Signature:
 * sha256=<hex HMAC-SHA256 of the body>}. The position of the next event to deliver is kept in the cluster
 * ({@link #CURSOR}), so when the oldest member dies the next oldest goes on from there: at least once, in the
 * order the cluster accepted the events (so in order per room). A batch that fails (not 2xx, or no answer
 * within webhooks.timeoutMillis) is sent again with backoff until webhooks.retrySeconds have passed since it
 * first failed; then its events are dropped. Events pushed out of the log before delivery (webhooks.queueSize)
 * are dropped too; both are counted and logged once per episode. Runs on one Vert.x context of the node.
 */
public final class WebhookDispatcher {

  public static final int MAX_BATCH = 100;
  public static final long TICK_MS = 200;
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
  private long failingSinceMillis;
  private long backoffMs;
  private boolean overflowLogged;

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

  public void stop() {
    context.runOnContext(v -> {
      if (timer >= 0) {
        vertx.cancelTimer(timer);
      }
      client.close();
    });
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
    vertx.executeBlocking(() -> {
      Long next = cursor.get("next");
      long head = log.headSequence();
      return new long[] {next == null ? head : next, head};
    }, false).compose(positions -> deliverFrom(positions[0], positions[1]))
      .onComplete(done -> busy = false);
  }

  /** Reads and delivers one batch from {@code next}; goes on at once while batches are full. */
  private Future<Void> deliverFrom(long next, long head) {
    long from = next;
    if (from < head) {
      long lost = head - from;
      metrics.webhookEventsDropped("overflow", lost);
      if (!overflowLogged) {
        LOG.warn("Webhook receiver behind: {} event(s) pushed out of the log (webhooks.queueSize {}) were dropped",
          lost, settings.queueSize());
        overflowLogged = true;
      }
      from = head;
    }
    long start = from;
    return Future.fromCompletionStage(log.readManyAsync(start, 0, MAX_BATCH, null), context).compose(batch -> {
      if (batch.size() == 0) {
        return start == next ? Future.succeededFuture() : saveCursor(start);
      }
      return post(batch).compose(ok -> {
        long after = batch.getSequence(batch.size() - 1) + 1;
        if (ok) {
          failingSinceMillis = 0;
          backoffMs = 0;
          overflowLogged = false;
          metrics.webhookDelivered(batch.size());
        } else if (failingSinceMillis == 0) {
          failingSinceMillis = System.currentTimeMillis();
          return retryLater();
        } else if (System.currentTimeMillis() - failingSinceMillis < settings.retrySeconds() * 1000L) {
          return retryLater();
        } else {
          LOG.warn("Webhook receiver failing for {} s: {} event(s) dropped", settings.retrySeconds(), batch.size());
          metrics.webhookEventsDropped("expired", batch.size());
          failingSinceMillis = 0;
          backoffMs = 0;
        }
        return saveCursor(after).compose(v -> batch.size() == MAX_BATCH ? deliverFrom(after, head) : Future.succeededFuture());
      });
    });
  }

  /** Waits out the backoff (doubling from the tick, at most 10 s) before the next attempt. */
  private Future<Void> retryLater() {
    metrics.webhookRetried();
    backoffMs = backoffMs == 0 ? TICK_MS : Math.min(MAX_BACKOFF_MS, backoffMs * 2);
    return Future.future(done -> vertx.setTimer(backoffMs, id -> done.complete()));
  }

  private Future<Void> saveCursor(long next) {
    return Future.fromCompletionStage(cursor.setAsync("next", next), context);
  }

  /** POSTs the batch; true for a 2xx answer, false for anything else, including no answer in time. */
  private Future<Boolean> post(ReadResultSet<String> batch) {
    StringBuilder body = new StringBuilder(64 + batch.size() * 128).append("{\"events\":[");
    for (int i = 0; i < batch.size(); i++) {
      body.append(i == 0 ? "" : ",").append(batch.get(i));
    }
    Buffer payload = Buffer.buffer(body.append("]}").toString());
    return client.post(settings.url(), payload, settings.timeoutMillis()).map(HookClient.Answer::ok).otherwise(false);
  }
}
