package dev.chorus.metrics;

import dev.chorus.support.RepoFiles;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Grafana dashboard only queries Chorus metrics that {@link ChorusMetrics} really exposes. */
class GrafanaDashboardTest {

  private static final Path DASHBOARD = RepoFiles.path("ops", "grafana", "dashboards", "chorus.json");

  @Test
  void everyChorusSeriesTheDashboardQueriesIsExposed() throws IOException {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    ChorusMetrics metrics = new ChorusMetrics(registry);
    metrics.connectionOpened("chat");
    metrics.roomOpened("lobby");
    metrics.messageReceived();
    metrics.messagePublished();
    metrics.delivered(1);
    metrics.publishToDeliver(ChorusMetrics.epochMicros());
    metrics.error("invalid_json");
    metrics.bindClusterMembers(() -> 1);
    String scrape = registry.scrape();

    Set<String> queried = new TreeSet<>();
    JsonArray panels = new JsonObject(Files.readString(DASHBOARD)).getJsonArray("panels");
    for (Object panel : panels) {
      for (Object target : ((JsonObject) panel).getJsonArray("targets")) {
        Matcher name = Pattern.compile("chorus_[a-z_]+").matcher(((JsonObject) target).getString("expr"));
        while (name.find()) {
          queried.add(name.group());
        }
      }
    }
    assertTrue(queried.size() >= 8, "the dashboard shows Chorus's metrics: " + queried);
    for (String series : queried) {
      assertTrue(Pattern.compile("(?m)^" + series + "[{ ]").matcher(scrape).find(),
        series + " is not exposed:\n" + scrape);
    }
  }
}
