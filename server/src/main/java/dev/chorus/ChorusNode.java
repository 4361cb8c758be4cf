package dev.chorus;

import com.hazelcast.config.Config;
import com.hazelcast.core.HazelcastInstance;
import dev.chorus.auth.JwtAuthenticator;
import dev.chorus.broker.RoomRelay;
import dev.chorus.broker.SubscriptionProbe;
import dev.chorus.cluster.ClusterBus;
import dev.chorus.cluster.ClusterKeys;
import dev.chorus.cluster.ClusterConfigFactory;
import dev.chorus.cluster.MemberDirectory;
import dev.chorus.config.Settings;
import dev.chorus.admission.ClientAddresses;
import dev.chorus.admission.FailureLimiter;
import dev.chorus.admission.UpgradePolicy;
import dev.chorus.node.NodeHealth;
import dev.chorus.node.NodeServices;
import dev.chorus.history.HazelcastRoomHistory;
import dev.chorus.history.PostgresRoomHistory;
import dev.chorus.history.StoreUnreachable;
import dev.chorus.history.RoomHistory;
import dev.chorus.presence.HazelcastPresence;
import dev.chorus.presence.Presence;
import dev.chorus.protocol.RoomName;
import dev.chorus.protocol.Sender;
import dev.chorus.node.Readiness;
import dev.chorus.users.UserDirectory;
import dev.chorus.webhooks.ApplicationProxy;
import dev.chorus.webhooks.HookClient;
import dev.chorus.webhooks.WebhookDispatcher;
import dev.chorus.webhooks.WebhookEvents;
import dev.chorus.http.ServerVerticle;
import dev.chorus.metrics.ChorusMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;

/**
 * A running Chorus node: joins the cluster, deploys the server verticles, and leaves in order on
 * {@link #stop()}: not ready, sockets closed with 1001 (bounded by the shutdown timeout), subscriptions
 * removed, cluster left.
 */
public final class ChorusNode {

  private static final Logger LOG = LoggerFactory.getLogger(ChorusNode.class);
  /** The longest a starting node waits for the other members to reach its subscriptions. */
  private static final long PROBE_WAIT_MILLIS = 30_000;
  /**
   * The labels of Vert.x's metrics: the response status (HTTP_CODE; statuses are the server's), the worker
   * pool's type and name, and the event-bus side (local or remote). Never the method, path, remote address or
   * event-bus address.
   */
  static final Set<Label> METRIC_LABELS = EnumSet.of(Label.HTTP_CODE, Label.POOL_TYPE, Label.POOL_NAME, Label.EB_SIDE);

  private final Settings settings;
  private final Path workingDir;
  private final Readiness readiness = new Readiness();
  /** This node's own registry: Vert.x's metrics and Chorus's, scraped at GET /metrics. */
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final ChorusMetrics metrics = new ChorusMetrics(registry);
  private final UpgradePolicy upgrades;
  private volatile Vertx vertx;
  private volatile RoomHistory history;
  private volatile MemberDirectory members;
  private volatile ClusterBus bus;
  private volatile WebhookDispatcher dispatcher;

  public ChorusNode(Settings settings, Path workingDir) {
    this.settings = settings;
    this.workingDir = workingDir;
    this.upgrades = UpgradePolicy.forNode(settings, metrics);
  }

  /** Joins the cluster and starts serving; completes once the node is ready. On failure, call {@link #stop()}. */
  public Future<Void> start() {
    if (settings.history().durable()) {
      try {
        // Before joining the cluster: a node whose store does not answer never becomes a member.
        PostgresRoomHistory.check(settings.history().postgresUrl());
      } catch (StoreUnreachable e) {
        return Future.failedFuture(e);
      }
    }
    JwtAuthenticator.warnIfUnscoped(settings.security());
    Settings.Cluster cluster = settings.cluster();
    ClusterKeys keys = cluster.sealed() ? ClusterKeys.derive(cluster.secretValue()) : null;
    if (keys == null) {
      LOG.warn("No cluster.secret (CLUSTER_SECRET) or cluster.secretFile (CLUSTER_SECRET_FILE): event-bus messages "
        + "between nodes travel unsealed, acceptable only while every node is on this machine's loopback");
    }
    Config hazelcastConfig = ClusterConfigFactory.create(cluster, workingDir);
    HazelcastRoomHistory.configure(hazelcastConfig);
    HazelcastPresence.configure(hazelcastConfig);
    if (settings.webhooks().enabled()) {
      WebhookDispatcher.configure(hazelcastConfig, settings.webhooks());
    }
    HazelcastClusterManager clusterManager = new HazelcastClusterManager(hazelcastConfig);
    // Netty's epoll transport where it loads (Linux x86_64), else NIO: fewer allocations and syscalls per write.
    // One event loop (and one server verticle) per core unless server.instances says otherwise: Vert.x's
    // default of 2 x cores costs more CPU per message on small machines (docs/performance.md).
    VertxOptions options = new VertxOptions().setPreferNativeTransport(true)
      .setEventLoopPoolSize(eventLoops(settings.server().instances()))
      .setEventBusOptions(new EventBusOptions()
      .setHost(cluster.host())
      .setPort(cluster.eventBusPort())
      .setClusterPublicHost(cluster.host()))
      .setMetricsOptions(metricsOptions());
    return Vertx.builder().with(options).withMetrics(new MicrometerMetricsFactory(registry))
      .withClusterManager(clusterManager).buildClustered()
      .compose(started -> {
        vertx = started;
        HazelcastInstance hazelcast = clusterManager.getHazelcastInstance();
        HazelcastPresence presence = new HazelcastPresence(started, hazelcast);
        return openHistory(started, hazelcast, presence).compose(history -> {
        this.history = history;
        metrics.bindClusterMembers(() -> clusterManager.isActive() ? clusterManager.getNodes().size() : 0);
        NodeHealth health = new NodeHealth(started, readiness, clusterManager, history);
        members = new MemberDirectory(started, clusterManager,
          settings.http().advertisedHost(cluster) + ":" + settings.http().port(), upgrades::openConnections);
        ClusterBus bus = new ClusterBus(started, keys, metrics::clusterRejected);
        this.bus = bus;
        UserDirectory users = new UserDirectory(bus, clusterManager.getNodeId(), clusterManager::getNodes);
        WebhookEvents webhooks = WebhookEvents.OFF;
        if (settings.webhooks().enabled()) {
          webhooks = new WebhookEvents(hazelcast, metrics);
          dispatcher = new WebhookDispatcher(started, hazelcast, settings.webhooks(), metrics);
          dispatcher.start();
        }
        WebhookEvents events = webhooks;
        // Presence keeps members as Sender#stored strings.
        presence.onNodeDeparted((room, names, roomEmpty) -> {
          events.membersLeft(room, names.stream().map(Sender::fromStored).toList(), roomEmpty);
        });
        presence.onRestored((room, name, roomWasVacated) -> {
          events.memberJoined(room, Sender.fromStored(name), roomWasVacated);
        });
        Settings.Proxy proxySettings = settings.proxy();
        ApplicationProxy proxy = proxySettings.joinUrl().isEmpty() && proxySettings.publishUrl().isEmpty()
          ? ApplicationProxy.OFF
          : new ApplicationProxy(new HookClient(started, settings.webhooks().secret(), proxySettings.timeoutMillis()),
            proxySettings, metrics);
        SubscriptionProbe probe = new SubscriptionProbe(started, bus, clusterManager.getNodeId());
        RoomRelay relay = new RoomRelay(bus, probe);
        NodeServices services = new NodeServices(upgrades, history, presence, users, webhooks, proxy, bus, members,
          health, metrics, new ClientAddresses(settings.server().trustedProxies()), FailureLimiter.forAdmin(settings.admin().maxFailuresPerMinute()));
        return users.start().compose(v -> probe.start()).compose(v -> relay.start()).compose(v ->
          started.deployVerticle(() -> new ServerVerticle(settings, services), deploymentOptions(options)))
          // Ready only once every member's publishes reach this node's fresh subscriptions.
          .compose(deployed -> probe.awaitVisibleTo(clusterManager.getNodes(), PROBE_WAIT_MILLIS));
        });
      })
      .compose(deploymentId -> members.start())
      .map(published -> {
        readiness.markJoined();
        LOG.info("Chorus node {} ready: http {}:{}, cluster '{}' at {}:{} with {} member(s), {} transport",
          clusterManager.getNodeId(), settings.http().host(), settings.http().port(), cluster.name(),
          cluster.host(), cluster.port(), clusterManager.getNodes().size(),
          vertx.isNativeTransportEnabled() ? "epoll" : "NIO");
        return null;
      });
  }

  /** The room history of history.store: cluster memory, or PostgreSQL (which must answer now). */
  private Future<RoomHistory> openHistory(Vertx started, HazelcastInstance hazelcast, Presence presence) {
    Settings.History settings = this.settings.history();
    if (settings.durable()) {
      return PostgresRoomHistory.open(started, settings.postgresUrl(), settings.retentionDays()).map(h -> h);
    }
    HazelcastRoomHistory memory = new HazelcastRoomHistory(started, hazelcast,
      room -> this.settings.rooms().historySize(RoomName.namespaceOf(room)), settings.idleRoomSeconds());
    memory.forgetIdleRooms(presence::occupied);
    return Future.succeededFuture(memory);
  }

  /**
   * Vert.x's HTTP, WebSocket and event-bus metrics, and the JVM's, in this node's registry. The registry
   * name is unique so that several nodes in one JVM (tests) never share Vert.x's registry lookup.
   * <p>No label takes a value a client chooses: {@link #METRIC_LABELS} leaves out Vert.x's default
   * {@code method} label, since an HTTP method is any token a client sends (each new one would add series to
   * every scrape). Rewriting it with a Micrometer MeterFilter would not do: the registry keeps one entry per
   * id before filtering, so memory would still grow with every new method.
   */
  private static MicrometerMetricsOptions metricsOptions() {
    return new MicrometerMetricsOptions()
      .setEnabled(true)
      .setRegistryName("chorus-" + UUID.randomUUID())
      .setLabels(EnumSet.copyOf(METRIC_LABELS))
      .setJvmMetricsEnabled(true)
      .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true));
  }

  private DeploymentOptions deploymentOptions(VertxOptions options) {
    return new DeploymentOptions().setInstances(options.getEventLoopPoolSize());
  }

  /** Event loops, one server verticle on each: server.instances, or one per available core for 0. */
  static int eventLoops(int instances) {
    return instances > 0 ? instances : Runtime.getRuntime().availableProcessors();
  }

  /** Leaves in order; completes when the cluster has been left. */
  public Future<Void> stop() {
    readiness.markDraining();
    if (members != null) {
      members.stop();
    }
    Vertx running = vertx;
    if (running == null) {
      return Future.succeededFuture();
    }
    // Webhook delivery stops before the cluster is left, so the next oldest member takes over cleanly.
    Future<Void> stopped = dispatcher == null ? Future.succeededFuture() : dispatcher.stop();
    RoomHistory store = history;
    return stopped.transform(v -> store == null ? Future.succeededFuture() : store.close())
      .transform(v -> running.close());
  }

  public Settings settings() {
    return settings;
  }

  /** The node's Vert.x instance, once started. */
  public Vertx vertx() {
    return vertx;
  }

  /** The cluster's room history as this node reaches it, once started (for tools and tests). */
  public RoomHistory history() {
    return history;
  }

  /** The node's messages to and from other nodes, once started (for tools and tests). */
  public ClusterBus bus() {
    return bus;
  }

  public Readiness readiness() {
    return readiness;
  }

  /** Chorus's own metrics of this node. */
  public ChorusMetrics metrics() {
    return metrics;
  }

  /** Which upgrades this node admits, and its open WebSockets. */
  public UpgradePolicy upgrades() {
    return upgrades;
  }
}
