package dev.chorus.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.ext.web.RoutingContext;

/**
 * GET /metrics: the node's registry in Prometheus text format, rendered on a worker thread of its own
 * ({@link #RENDERER}, one thread shared by every event loop of the node), never on an event loop, so that a
 * large registry delays only the scrapes. The answer is written on the request's own event loop. Scrapes that
 * arrive while a rendering is under way or queued get that rendering's text: however many scrapes come at once,
 * each event loop has at most one rendering in hand, so a flood of scrapes costs one rendering at a time, not
 * one each. None takes a thread of Vert.x's shared worker pool. One instance per verticle, confined to that
 * verticle's event loop.
 */
public final class MetricsScrape implements Handler<RoutingContext> {

  /** The name of the shared worker executor that renders. */
  public static final String RENDERER = "chorus-metrics";
  /** Prometheus text exposition format 0.0.4, as Vert.x's own scraping handler answers. */
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final PrometheusMeterRegistry registry;
  private final WorkerExecutor renderer;
  /** The rendering under way or queued for this event loop's scrapes; null when there is none. */
  private Future<String> rendering;

  /** Created on a verticle's context: the renderer is released when the verticle is undeployed. */
  public MetricsScrape(Vertx vertx, PrometheusMeterRegistry registry) {
    this.registry = registry;
    this.renderer = vertx.createSharedWorkerExecutor(RENDERER, 1);
  }

  @Override
  public void handle(RoutingContext ctx) {
    Future<String> text = rendering;
    if (text == null) {
      text = renderer.executeBlocking(registry::scrape, true);
      rendering = text;
      text.onComplete(done -> rendering = null);
    }
    text.onComplete(rendered -> {
      if (rendered.succeeded()) {
        ctx.response().putHeader("Content-Type", CONTENT_TYPE).end(rendered.result());
      } else {
        ctx.fail(rendered.cause());
      }
    });
  }
}
