package dev.chorus.chat;

import com.hazelcast.core.HazelcastInstance;
import dev.chorus.broker.EventBusBroker;
import dev.chorus.broker.RoomRelay;
import dev.chorus.cluster.ClusterBus;
import dev.chorus.config.Settings;
import dev.chorus.history.HazelcastRoomHistory;
import dev.chorus.history.RoomHistory;
import dev.chorus.hub.LocalHub;
import dev.chorus.metrics.ChorusMetrics;
import dev.chorus.presence.HazelcastPresence;
import dev.chorus.support.Contexts;
import dev.chorus.support.FakeClientSocket;
import dev.chorus.support.StandaloneHazelcast;
import dev.chorus.support.TestNodes;
import dev.chorus.users.UserDirectory;
import dev.chorus.webhooks.ApplicationProxy;
import dev.chorus.webhooks.WebhookEvents;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The chat layer of one event loop without a network or a node: a Vert.x context holding the hub, a local
 * event bus as the broker, and a real Hazelcast member on its own for history and presence. Connections are
 * the transport's fake sockets. The rate limit is lifted; the other limits are the defaults. A JUnit 5
 * extension on a static field: started before the class's tests, closed after them.
 */
final class ChatStack implements BeforeAllCallback, AfterAllCallback {

  final Settings settings = TestNodes.settings(TestNodes.withoutRateLimit(
    TestNodes.environment(TestNodes.uniqueClusterName(), "")));
  private HazelcastInstance hazelcast;
  private Vertx vertx;
  private Context context;
  ChatServices services;

  @Override
  public void beforeAll(ExtensionContext extension) {
    hazelcast = StandaloneHazelcast.start();
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
    RoomHistory history = call(() -> new HazelcastRoomHistory(vertx, hazelcast, room -> settings.history().size(),
      settings.history().idleRoomSeconds()));
    ChorusMetrics metrics = new ChorusMetrics(new SimpleMeterRegistry());
    LocalHub hub = call(() -> new LocalHub(vertx, history, settings.rooms(), metrics));
    ClusterBus bus = new ClusterBus(vertx, null, metrics::clusterRejected);
    call(() -> new RoomRelay(bus, null).start()).await();
    EventBusBroker broker = call(() -> new EventBusBroker(bus, hub, metrics));
    call(broker::subscribe).await();
    UserDirectory users = new UserDirectory(bus, "local", () -> List.of("local"));
    call(users::start).await();
    services = call(() -> new ChatServices(vertx, hub, new RoomPublisher(history, broker, settings.rooms(), WebhookEvents.OFF),
      new HazelcastPresence(vertx, hazelcast), users, ChatRules.of(settings.limits()), settings.limits(),
      new RoomAccess(settings.rooms(), ApplicationProxy.OFF, metrics), null, metrics));
  }

  /** Runs {@code action} on the stack's context and waits for it. */
  void on(Runnable action) {
    Contexts.run(context, action);
  }

  <T> T call(Supplier<T> action) {
    return Contexts.call(context, action);
  }

  /** A fresh socket with a chat connection attached. */
  FakeClientSocket connect() {
    FakeClientSocket socket = new FakeClientSocket("/chat");
    on(() -> ChatConnection.attach(socket, services));
    return socket;
  }

  static String room() {
    return "room-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @Override
  public void afterAll(ExtensionContext extension) {
    if (vertx != null) {
      vertx.close().await();
    }
    if (hazelcast != null) {
      hazelcast.shutdown();
    }
  }
}
