package dev.chorus.http;

import dev.chorus.broker.Broker;
import dev.chorus.broker.EventBusBroker;
import dev.chorus.chat.ChatRooms;
import dev.chorus.chat.ChatSession;
import dev.chorus.chat.HistorySequenceSource;
import dev.chorus.chat.RoomPublisher;
import dev.chorus.cluster.MemberDirectory;
import dev.chorus.config.Settings;
import dev.chorus.echo.EchoHandler;
import dev.chorus.history.RoomHistory;
import dev.chorus.hub.LocalHub;
import dev.chorus.metrics.ChorusMetrics;
import dev.chorus.presence.Presence;
import dev.chorus.hub.NodeSockets;
import dev.chorus.protocol.CloseCode;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.ServerWebSocketHandshake;
import io.vertx.ext.web.Router;

import java.util.concurrent.TimeUnit;

/**
 * One instance per event loop: serves HTTP and the WebSocket endpoints on the shared port and holds this
 * event loop's sockets. Wiring only: the protocol lives in {@link ChatSession} and {@link EchoHandler}.
 */
public final class ServerVerticle extends VerticleBase {

  /** WebSocket paths. */
  public static final String ECHO_PATH = "/echo";
  public static final String CHAT_PATH = "/chat";

  private final Settings settings;
  private final RoomHistory history;
  private final Presence presence;
  private final NodeSockets nodeSockets;
  private final MemberDirectory members;
  private final NodeHealth health;
  private final ChorusMetrics metrics;
  private HttpServer server;
  private Broker broker;

  public ServerVerticle(Settings settings, RoomHistory history, Presence presence, NodeSockets nodeSockets,
                        MemberDirectory members, NodeHealth health, ChorusMetrics metrics) {
    this.settings = settings;
    this.history = history;
    this.presence = presence;
    this.nodeSockets = nodeSockets;
    this.members = members;
    this.health = health;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    LocalHub hub = new LocalHub(vertx, new HistorySequenceSource(history), metrics);
    broker = new EventBusBroker(vertx.eventBus(), hub, metrics);
    RoomPublisher publisher = new RoomPublisher(history, broker);
    ChatRooms rooms = new ChatRooms(hub, publisher, history, presence, metrics);
    Router router = HttpRoutes.create(vertx, health, metrics, members);
    AdminApi.mount(router, settings.admin(), settings.server().maxMessageBytes(), publisher, history, presence);
    server = vertx.createHttpServer(serverOptions())
      .webSocketHandshakeHandler(this::onHandshake)
      .webSocketHandler(socket -> onWebSocket(socket, rooms))
      .requestHandler(router);
    return broker.subscribe().compose(v -> server.listen()
      .recover(failure -> Future.failedFuture(String.format("cannot listen on %s:%d (http.port / HTTP_PORT): %s",
        settings.http().host(), settings.http().port(), failure.getMessage()))));
  }

  private HttpServerOptions serverOptions() {
    HttpServerOptions options = new HttpServerOptions()
      .setHost(settings.http().host())
      .setPort(settings.http().port())
      // Broadcast traffic: per-connection compression state costs memory and CPU for every socket.
      .setPerMessageWebSocketCompressionSupported(false)
      .setPerFrameWebSocketCompressionSupported(false);
    return MessageSizeLimit.apply(options, settings.server().maxMessageBytes());
  }

  private void onHandshake(ServerWebSocketHandshake handshake) {
    String path = handshake.path();
    if (ECHO_PATH.equals(path) || CHAT_PATH.equals(path)) {
      handshake.accept();
    } else {
      handshake.reject(404);
    }
  }

  private void onWebSocket(ServerWebSocket socket, ChatRooms rooms) {
    nodeSockets.add(socket);
    socket.shutdownHandler(v -> socket.close(CloseCode.GOING_AWAY.code(), CloseCode.GOING_AWAY.reason()));
    MessageSizeLimit.enforce(socket, metrics);
    String endpoint = socket.path().substring(1);
    metrics.connectionOpened(endpoint);
    socket.endHandler(v -> metrics.connectionClosed(endpoint));
    if (ECHO_PATH.equals(socket.path())) {
      EchoHandler.attach(socket);
    } else {
      ChatSession.attach(socket, rooms);
    }
  }

  @Override
  public Future<?> stop() {
    long timeout = settings.server().shutdownTimeoutSeconds();
    Future<Void> drained = server == null ? Future.succeededFuture() : server.shutdown(timeout, TimeUnit.SECONDS);
    return drained.eventually(() -> broker.unsubscribe());
  }
}
