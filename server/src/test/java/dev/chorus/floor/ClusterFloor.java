package dev.chorus.floor;

import dev.chorus.cluster.ClusterConfigFactory;
import dev.chorus.config.Settings;
import dev.chorus.config.SettingsLoader;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The floor of a quiet clustered node: what the stack Chorus is built on costs while its connections idle,
 * with none of Chorus. A clustered Vert.x with Chorus's Hazelcast configuration ({@link ClusterConfigFactory},
 * cluster.xml, the same settings from the environment: HTTP_PORT, CLUSTER_NAME, CLUSTER_PORT, CLUSTER_MEMBERS,
 * ...) and the same event loops, accepting WebSockets on any path and pinging each every
 * limits.pingIntervalSeconds, as Chorus's heartbeat does; {@code /ready} answers 200. No rooms, JSON,
 * presence, member directory, metrics or memory return. Not a server: a measuring stick for compare.sh's
 * quiet rows, beside two Chorus nodes.
 * <pre>
 *   mvn -B -q -DskipTests package
 *   HTTP_PORT=19004 CLUSTER_PORT=15801 CLUSTER_NAME=floor \
 *     java -cp server/target/test-classes:target/chat-server.jar dev.chorus.floor.ClusterFloor
 * </pre>
 */
public final class ClusterFloor {

  private ClusterFloor() {
  }

  public static void main(String[] args) {
    Path workingDir = Path.of("").toAbsolutePath();
    Settings settings = SettingsLoader.load(System.getenv(), workingDir);
    Settings.Cluster cluster = settings.cluster();
    HazelcastClusterManager clusterManager =
      new HazelcastClusterManager(ClusterConfigFactory.create(cluster, workingDir));
    int loops = settings.server().instances() > 0 ? settings.server().instances()
      : Runtime.getRuntime().availableProcessors();
    VertxOptions options = new VertxOptions().setPreferNativeTransport(true).setEventLoopPoolSize(loops)
      .setEventBusOptions(new EventBusOptions().setHost(cluster.host()).setPort(cluster.eventBusPort())
        .setClusterPublicHost(cluster.host()));
    long pingMillis = settings.limits().pingIntervalSeconds() * 1000L;
    Vertx.builder().with(options).withClusterManager(clusterManager).buildClustered()
      .compose(vertx -> vertx.deployVerticle(() -> new Idle(settings.http(), pingMillis),
        new DeploymentOptions().setInstances(loops)))
      .onSuccess(id -> System.out.println("cluster floor listening on " + settings.http().port() + " ("
        + loops + " event loops, cluster '" + cluster.name() + "')"))
      .onFailure(e -> {
        e.printStackTrace();
        System.exit(1);
      });
  }

  private static final Buffer PING = Buffer.buffer("ping");

  /** One event loop's share of the connections: held, pinged, nothing else. */
  private static final class Idle extends AbstractVerticle {

    private final Settings.Http http;
    private final long pingMillis;
    private final List<ServerWebSocket> sockets = new ArrayList<>();

    Idle(Settings.Http http, long pingMillis) {
      this.http = http;
      this.pingMillis = pingMillis;
    }

    @Override
    public void start(Promise<Void> started) {
      vertx.setPeriodic(pingMillis, id -> sockets.forEach(socket -> socket.writePing(PING)));
      vertx.createHttpServer(new HttpServerOptions().setHost(http.host()).setPort(http.port()))
        .webSocketHandler(socket -> {
          sockets.add(socket);
          socket.closeHandler(v -> sockets.remove(socket));
        })
        .requestHandler(request -> request.response().end("ready"))
        .listen()
        .<Void>mapEmpty()
        .onComplete(started);
    }

  }
}
