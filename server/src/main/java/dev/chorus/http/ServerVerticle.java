package dev.chorus.http;

import dev.chorus.admission.Admission;
import dev.chorus.auth.JwtAuthenticator;
import dev.chorus.broker.Broker;
import dev.chorus.broker.EventBusBroker;
import dev.chorus.chat.ChatConnection;
import dev.chorus.chat.ChatRules;
import dev.chorus.chat.ChatServices;
import dev.chorus.chat.RoomAccess;
import dev.chorus.chat.RoomPublisher;
import dev.chorus.config.Settings;
import dev.chorus.echo.EchoHandler;
import dev.chorus.hub.LocalHub;
import dev.chorus.metrics.ChorusMetrics;
import dev.chorus.node.NodeServices;
import dev.chorus.transport.ClientSocket;
import dev.chorus.transport.HandshakeGuard;
import dev.chorus.transport.PeerAddresses;
import dev.chorus.transport.Transport;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.ServerWebSocketHandshake;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Router;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One instance per event loop: serves HTTP and the WebSocket endpoints on the shared port (and GET /metrics on
 * metrics.port, when set) and holds this event loop's sockets. Wiring only: the protocol lives in {@link ChatConnection} and {@link EchoHandler}.
 */
public final class ServerVerticle extends VerticleBase {

  /** WebSocket paths. */
  public static final String ECHO_PATH = "/echo";
  public static final String CHAT_PATH = "/chat";

  private final Settings settings;
  private final NodeServices node;
  private HttpServer server;
  /** The listener of metrics.port, or null when /metrics is on the HTTP port. */
  private HttpServer metricsServer;
  private Broker broker;
  private Transport transport;
  private final PeerAddresses peers = new PeerAddresses();
  /**
   * The client address of each admitted upgrade until its socket opens, by its request headers (the socket's
   * headers are the same map): decided once, at the handshake, where it took its address's slot.
   */
  private final Map<MultiMap, String> admittedClients = new IdentityHashMap<>();

  public ServerVerticle(Settings settings, NodeServices node) {
    this.settings = settings;
    this.node = node;
  }

  @Override
  public Future<?> start() {
    ChorusMetrics metrics = node.metrics();
    transport = new Transport(vertx, settings.limits(), settings.server(), metrics::serverClosed);
    transport.start();
    LocalHub hub = new LocalHub(vertx, node.history(), settings.rooms(), metrics);
    broker = new EventBusBroker(node.bus(), hub, metrics);
    RoomPublisher publisher = new RoomPublisher(node.history(), broker, settings.rooms(), node.webhooks());
    ChatRules rules = ChatRules.of(settings.limits());
    JwtAuthenticator jwt = settings.security().jwtEnabled() ? JwtAuthenticator.create(vertx, settings.security(),
      settings.limits().maxNameChars()) : null;
    ChatServices chat = new ChatServices(vertx, hub, publisher, node.presence(), node.users(), rules,
      settings.limits(), new RoomAccess(settings.rooms(), node.proxy(), metrics), jwt, metrics);
    MetricsScrape scrape = metrics.registry() instanceof PrometheusMeterRegistry prometheus
      ? new MetricsScrape(vertx, prometheus) : null;
    Settings.Metrics metricsPort = settings.metrics();
    Router router = HttpRoutes.create(vertx, node.health(), metricsPort.ownPort() ? null : scrape, node.members());
    AdminApi.mount(router, new AdminAuth(settings.admin(), peers, node.clients(), node.adminFailures()), rules,
      settings.rooms(), settings.server().maxMessageBytes(), publisher, node.history(), node.presence(), node.users(),
      jwt != null);
    HandshakeGuard handshakes = new HandshakeGuard(node.upgrades().pendingConnections(),
      settings.server().handshakeTimeoutSeconds(), settings.server().proxyProtocol());
    server = handshakes.guard(vertx.createHttpServer(serverOptions()))
      .webSocketHandshakeHandler(this::onHandshake)
      .webSocketHandler(socket -> onWebSocket(socket, chat))
      .requestHandler(router);
    Future<?> listening = broker.subscribe().compose(v -> listen(server, settings.http().host(), settings.http().port(),
      "http.port / HTTP_PORT"));
    if (metricsPort.ownPort() && scrape != null) {
      metricsServer = vertx.createHttpServer(new HttpServerOptions().setHost(metricsPort.host())
          .setPort(metricsPort.port()).setHttp2ClearTextEnabled(false).setStrictThreadMode(true))
        .requestHandler(HttpRoutes.metricsOnly(vertx, scrape));
      listening = listening.compose(v -> listen(metricsServer, metricsPort.host(), metricsPort.port(),
        "metrics.port / METRICS_PORT"));
    }
    return listening;
  }

  private static Future<HttpServer> listen(HttpServer server, String host, int port, String setting) {
    return server.listen().recover(failure -> Future.failedFuture(String.format("cannot listen on %s:%d (%s): %s",
      host, port, setting, failure.getMessage())));
  }

  private HttpServerOptions serverOptions() {
    HttpServerOptions options = new HttpServerOptions()
      .setHost(settings.http().host())
      .setPort(settings.http().port())
      // HTTP connections write straight to the channel instead of through a 4.7 KB write queue each (the
      // upgraded WebSockets get the same from the transport). Vert.x marks the option experimental: a
      // response written off the connection's event loop now throws IllegalStateException; every handler
      // here answers on the request's context (Hazelcast results come back through executeBlocking or
      // HazelcastCalls.onContext(stage, context)).
      .setStrictThreadMode(true)
      // HTTP/2 only when asked for (http.http2): WebSockets upgrade from HTTP/1.1, and every protocol a port
      // speaks is one more an attacker can probe. With h2c on, Vert.x sets a connection up only once its first
      // request's headers are in, so that first request escapes the handshake deadline (HandshakeGuard watches
      // set-up connections): one more reason to leave it off.
      .setHttp2ClearTextEnabled(settings.http().http2());
    if (settings.security().tlsEnabled()) {
      options.setSsl(true).setUseAlpn(settings.http().http2()).setKeyCertOptions(new PemKeyCertOptions()
        .setKeyPath(settings.security().tlsKeyPath()).setCertPath(settings.security().tlsCertPath()));
    }
    return Transport.configure(options, settings.server().maxMessageBytes());
  }

  private void onHandshake(ServerWebSocketHandshake handshake) {
    String path = handshake.path();
    if (!ECHO_PATH.equals(path) && !CHAT_PATH.equals(path)) {
      handshake.reject(404);
      return;
    }
    MultiMap headers = handshake.headers();
    String client = node.clients().of(peers.of(handshake), headers);
    Admission admission = node.upgrades().admit(headers, client, handshake.localAddress().hostAddress());
    if (admission.accepted()) {
      admittedClients.put(headers, client);
      transport.accept(handshake).onFailure(failure -> {
        admittedClients.remove(headers);
        node.upgrades().abandoned(client);
      });
    } else {
      handshake.reject(admission.httpStatus());
    }
  }

  private void onWebSocket(ServerWebSocket webSocket, ChatServices chat) {
    String client = admittedClients.remove(webSocket.headers());
    ClientSocket socket = transport.accept(webSocket);
    node.upgrades().opened(socket, client);
    if (ECHO_PATH.equals(socket.path())) {
      EchoHandler.attach(socket);
    } else {
      ChatConnection.attach(socket, chat);
    }
  }

  @Override
  public Future<?> stop() {
    long timeout = settings.server().shutdownTimeoutSeconds();
    Future<Void> drained = server == null ? Future.succeededFuture() : server.shutdown(timeout, TimeUnit.SECONDS);
    if (metricsServer != null) {
      // Scraped until the node goes: closed once the sockets are.
      drained = drained.eventually(metricsServer::close);
    }
    return drained.eventually(() -> {
      transport.stop();
      return broker.unsubscribe();
    });
  }
}
