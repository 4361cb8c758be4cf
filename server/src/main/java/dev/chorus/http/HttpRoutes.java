package dev.chorus.http;

import dev.chorus.cluster.MemberDirectory;
import dev.chorus.node.NodeHealth;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The plain HTTP endpoints: GET /health and GET /ready (JSON per check, see {@link NodeHealth}), GET /metrics
 * (Prometheus text format, {@link MetricsScrape}) unless metrics.port gives it a listener of its own, GET
 * /api/cluster, and the browser client's static files from webroot/ (GET / is its page), with the headers of
 * {@link PageHeaders}, which answers 404 for a one-segment path that names no such file; other paths are left
 * to the routes mounted after these (the admin API), then 404 (Vert.x Web's default).
 */
public final class HttpRoutes {

  /** Classpath directory of the browser client. */
  public static final String WEBROOT = "webroot";

  private HttpRoutes() {
  }

  /**
   * A router serving the health, cluster-view and static endpoints of this node, and /metrics with
   * {@code scrape} (null: not on this router).
   */
  public static Router create(Vertx vertx, NodeHealth health, MetricsScrape scrape, MemberDirectory members) {
    Router router = Router.router(vertx);
    router.get("/health").handler(health.livenessHandler());
    router.get("/ready").handler(health.readinessHandler());
    if (scrape != null) {
      router.get("/metrics").handler(scrape);
    }
    router.get("/api/cluster").handler(ctx -> members.view()
      .onSuccess(view -> JsonResponse.send(ctx, 200, view))
      .onFailure(failure -> JsonResponse.error(ctx, 503, "cluster view unavailable: " + failure.getMessage())));
    router.getWithRegex(PageHeaders.PATHS).handler(new PageHeaders(members))
      // The caching headers are PageHeaders' (ETag and 304 included), the same on every node.
      .handler(StaticHandler.create(WEBROOT).setIndexPage("index.html").setCachingEnabled(false));
    return router;
  }

  /** A router serving GET /metrics alone, for the listener of metrics.port. */
  public static Router metricsOnly(Vertx vertx, MetricsScrape scrape) {
    Router router = Router.router(vertx);
    router.get("/metrics").handler(scrape);
    return router;
  }
}
