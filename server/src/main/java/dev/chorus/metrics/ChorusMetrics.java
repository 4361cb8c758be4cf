package dev.chorus.metrics;

import dev.chorus.protocol.CloseCode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Chorus's own metrics of one node, next to Vert.x's HTTP, WebSocket and event-bus metrics in the same
 * registry (exposed at GET /metrics). Thread-safe: every verticle instance of the node shares one.
 * In Prometheus names:
 * <ul>
 *   <li>{@code chorus_connections{endpoint}}: open WebSockets by endpoint (chat, echo)</li>
 *   <li>{@code chorus_rooms}: rooms with at least one socket on this node</li>
 *   <li>{@code chorus_messages_received_total}: chat-protocol messages received from clients</li>
 *   <li>{@code chorus_messages_published_total}: messages this node published to the cluster</li>
 *   <li>{@code chorus_deliveries_total}: messages handed to this node's sockets (one per socket)</li>
 *   <li>{@code chorus_slow_client_disconnects_total}: sockets closed for not reading fast enough</li>
 *   <li>{@code chorus_errors_total{kind}}: error replies and protocol closes, by kind (a {@code ChatError} or
 *       {@code CloseCode} name in lower case)</li>
 *   <li>{@code chorus_upgrades_refused_total{status}}: WebSocket upgrades refused by the handshake guard, by
 *       HTTP status (400 bad handshake, 403 foreign origin, 503 connection limit)</li>
 *   <li>{@code chorus_denials_total{reason}}: joins, presence queries and chats a room's options refused, by
 *       reason (no_grant, invalid_room_token, room_token_mismatch, publish_not_allowed)</li>
 *   <li>{@code chorus_webhook_deliveries_total}, {@code chorus_webhook_events_delivered_total},
 *       {@code chorus_webhook_retries_total}, {@code chorus_webhook_events_dropped_total{reason}}: webhook batches
 *       and events the receiver accepted, batches sent again, events never delivered (overflow, expired,
 *       unaccepted)</li>
 *   <li>{@code chorus_proxy_seconds{kind}}, {@code chorus_proxy_outcomes_total{kind,outcome}}: how long the join
 *       and publish proxies took, and what they answered (allow, deny, unavailable)</li>
 *   <li>{@code chorus_publish_to_deliver_seconds}: histogram of the time from publish on any node to
 *       arrival at a hub of this node with sockets in the room, before in-order hand-out (cross-host
 *       figures include clock skew)</li>
 *   <li>{@code chorus_cluster_members}: members of the cluster as this node sees it</li>
 * </ul>
 */
public final class ChorusMetrics {

  private final MeterRegistry registry;
  private final Map<String, AtomicInteger> connections = new ConcurrentHashMap<>();
  /** Room name to the number of this node's hubs holding a socket in it. */
  private final Map<String, AtomicInteger> rooms = new ConcurrentHashMap<>();
  private final Map<String, Counter> errors = new ConcurrentHashMap<>();
  private final Map<Integer, Counter> upgradesRefused = new ConcurrentHashMap<>();
  private final Map<String, Counter> denials = new ConcurrentHashMap<>();
  private final Map<String, Counter> webhookDrops = new ConcurrentHashMap<>();
  private final Map<String, Timer> proxyLatency = new ConcurrentHashMap<>();
  private final Map<String, Counter> proxyOutcomes = new ConcurrentHashMap<>();
  private final Counter webhookBatches;
  private final Counter webhookEvents;
  private final Counter webhookRetries;
  private final Counter received;
  private final Counter published;
  private final Counter deliveries;
  private final Counter slowClientDisconnects;
  private final Counter clusterRejected;
  private final Timer publishToDeliver;

  public ChorusMetrics(MeterRegistry registry) {
    this.registry = registry;
    Gauge.builder("chorus.rooms", rooms, Map::size).description("Rooms with a socket on this node")
      .register(registry);
    received = Counter.builder("chorus.messages.received").description("Chat messages received from clients")
      .register(registry);
    published = Counter.builder("chorus.messages.published").description("Messages published to the cluster")
      .register(registry);
    deliveries = Counter.builder("chorus.deliveries").description("Messages handed to this node's sockets")
      .register(registry);
    webhookBatches = Counter.builder("chorus.webhook.deliveries").description("Webhook batches the receiver accepted")
      .register(registry);
    webhookEvents = Counter.builder("chorus.webhook.events.delivered").description("Webhook events the receiver accepted")
      .register(registry);
    webhookRetries = Counter.builder("chorus.webhook.retries").description("Webhook batches sent again after a failure")
      .register(registry);
    clusterRejected = Counter.builder("chorus.cluster.rejected")
      .description("Event-bus messages from other members dropped because they failed verification").register(registry);
    slowClientDisconnects = Counter.builder("chorus.slow.client.disconnects")
      .description("Sockets closed because the client did not read fast enough").register(registry);
    publishToDeliver = Timer.builder("chorus.publish.to.deliver")
      .description("Time from publish on any node to arrival at a hub of this node with sockets in the room")
      .publishPercentileHistogram()
      .minimumExpectedValue(Duration.ofNanos(100_000))
      .maximumExpectedValue(Duration.ofSeconds(10))
      .register(registry);
  }

  /** The registry these metrics live in. */
  public MeterRegistry registry() {
    return registry;
  }

  /** A WebSocket was accepted on {@code endpoint} (a path without its slash: chat, echo). */
  public void connectionOpened(String endpoint) {
    connectionGauge(endpoint).incrementAndGet();
  }

  /** A WebSocket accepted on {@code endpoint} closed. */
  public void connectionClosed(String endpoint) {
    connectionGauge(endpoint).decrementAndGet();
  }

  private AtomicInteger connectionGauge(String endpoint) {
    return connections.computeIfAbsent(endpoint, e -> {
      AtomicInteger open = new AtomicInteger();
      Gauge.builder("chorus.connections", open, AtomicInteger::get).description("Open WebSockets")
        .tag("endpoint", e).register(registry);
      return open;
    });
  }

  /** A hub of this node got its first socket in {@code room}. */
  public void roomOpened(String room) {
    rooms.computeIfAbsent(room, r -> new AtomicInteger()).incrementAndGet();
  }

  /** A hub of this node lost its last socket in {@code room}. */
  public void roomClosed(String room) {
    rooms.computeIfPresent(room, (r, hubs) -> hubs.decrementAndGet() <= 0 ? null : hubs);
  }

  /** A client sent a chat-protocol message. */
  public void messageReceived() {
    received.increment();
  }

  /** This node published a message to the cluster. */
  public void messagePublished() {
    published.increment();
  }

  /** The wall clock in microseconds since the epoch: a publish time comparable across nodes. */
  public static long epochMicros() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
  }

  /** A message was handed to {@code sockets} sockets of one hub. */
  public void delivered(int sockets) {
    if (sockets > 0) {
      deliveries.increment(sockets);
    }
  }

  /**
   * A published message reached a hub of this node with sockets in its room; {@code publishedAtMicros} is
   * the publishing node's {@link #epochMicros()} at publish time, or negative when unknown (not recorded).
   */
  public void publishToDeliver(long publishedAtMicros) {
    if (publishedAtMicros >= 0) {
      publishToDeliver.record(Math.max(0, epochMicros() - publishedAtMicros), TimeUnit.MICROSECONDS);
    }
  }

  /**
   * The server closed a socket with {@code code}: for not reading fast enough in
   * chorus_slow_client_disconnects_total, for a shutdown (1001) not at all, else in chorus_errors_total by the
   * code's kind.
   */
  public void serverClosed(CloseCode code) {
    switch (code) {
      case GOING_AWAY -> { }
      case SLOW_CONSUMER -> slowClientDisconnected();
      default -> error(code.metricKind());
    }
  }

  /** A socket was closed because its client did not read fast enough. */
  /** An event-bus message failed verification (cluster.secret) and was dropped. */
  public void clusterRejected() {
    clusterRejected.increment();
  }

  public void slowClientDisconnected() {
    slowClientDisconnects.increment();
  }

  /** An error reply or a protocol close, by kind (a lower-case registry name such as invalid_json). */
  public void error(String kind) {
    errors.computeIfAbsent(kind, k -> Counter.builder("chorus.errors").description("Error replies and protocol closes")
      .tag("kind", k).register(registry)).increment();
  }

  /** A client was denied something in a room (a join, a who, a chat), by reason: no_grant, ... */
  public void denied(String reason) {
    denials.computeIfAbsent(reason, r -> Counter.builder("chorus.denials")
      .description("Joins, presence queries and chats refused by a room's options").tag("reason", r)
      .register(registry)).increment();
  }

  /** A proxy ({@code kind} join or publish) answered with {@code outcome} (allow, deny, unavailable). */
  public void proxyAnswered(String kind, String outcome, long nanos) {
    proxyLatency.computeIfAbsent(kind, k -> Timer.builder("chorus.proxy").description("Time a proxy took to answer")
      .tag("kind", k).publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(100_000))
      .maximumExpectedValue(Duration.ofSeconds(60)).register(registry)).record(nanos, TimeUnit.NANOSECONDS);
    proxyOutcomes.computeIfAbsent(kind + "/" + outcome, k -> Counter.builder("chorus.proxy.outcomes")
      .description("Proxy answers by outcome").tag("kind", kind).tag("outcome", outcome).register(registry))
      .increment();
  }

  /** A webhook batch of {@code events} was accepted by the receiver (2xx). */
  public void webhookDelivered(int events) {
    webhookBatches.increment();
    webhookEvents.increment(events);
  }

  /** A webhook batch failed and waits to be sent again. */
  public void webhookRetried() {
    webhookRetries.increment();
  }

  /** Webhook events dropped, by reason: overflow (pushed out of the log), expired (retried too long), unaccepted. */
  public void webhookEventsDropped(String reason, long events) {
    webhookDrops.computeIfAbsent(reason, r -> Counter.builder("chorus.webhook.events.dropped")
      .description("Webhook events never delivered").tag("reason", r).register(registry)).increment(events);
  }

  /** One webhook event dropped; see {@link #webhookEventsDropped(String, long)}. */
  public void webhookEventsDropped(String reason) {
    webhookEventsDropped(reason, 1);
  }

  /** A WebSocket upgrade was refused with HTTP {@code status}. */
  public void upgradeRefused(int status) {
    upgradesRefused.computeIfAbsent(status, s -> Counter.builder("chorus.upgrades.refused")
      .description("WebSocket upgrades refused by the handshake guard").tag("status", String.valueOf(s))
      .register(registry)).increment();
  }

  /** Reports the cluster's member count, read at each scrape. */
  public void bindClusterMembers(Supplier<Number> members) {
    Gauge.builder("chorus.cluster.members", members).description("Members of the cluster seen by this node")
      .register(registry);
  }
}
