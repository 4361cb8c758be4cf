package dev.chorus.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The outcome of one bench run: which command against which server ({@code label}) in which scenario, its
 * figures by name in a fixed order, and the latency spectrum (percentile, ms) when latencies were measured.
 * Round-trips through JSON ({@link #toJson}, {@link #fromJson}) so {@code compare} can read saved runs.
 */
public record Result(String command, String scenario, String label, Map<String, Object> figures,
                     List<double[]> spectrum) {

  /** Figure names; the table and comparison print them with these units. */
  public static final String RATE = "offered_msg_per_s";
  public static final String THROUGHPUT = "msg_per_s";
  public static final String MESSAGES = "messages";
  public static final String P50 = "p50_ms";
  public static final String P90 = "p90_ms";
  public static final String P99 = "p99_ms";
  public static final String P999 = "p99_9_ms";
  public static final String MAX = "max_ms";
  public static final String LOST = "lost";
  public static final String CPU_PER_MESSAGE = "server_cpu_us_per_msg";
  public static final String CPU_SECONDS = "server_cpu_s";
  public static final String USER_CPU_PER_MESSAGE = "server_user_cpu_us_per_msg";
  public static final String USER_CPU_SECONDS = "server_user_cpu_s";
  public static final String IDLE_CPU_PERCENT = "server_cpu_pct_per_process_while_idle";
  public static final String RSS = "server_rss_mib";
  public static final String RSS_PER_CONNECTION = "server_rss_kib_per_conn";
  public static final String CONNECTS_PER_SECOND = "connects_per_s";

  public Map<String, Object> toJson() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("command", command);
    json.put("scenario", scenario);
    json.put("label", label);
    json.put("figures", figures);
    json.put("spectrum", spectrum);
    return json;
  }

  @SuppressWarnings("unchecked")
  public static Result fromJson(Map<String, Object> json) {
    List<double[]> spectrum = new ArrayList<>();
    for (Object point : (List<Object>) json.getOrDefault("spectrum", List.of())) {
      List<Number> pair = (List<Number>) point;
      spectrum.add(new double[] {pair.get(0).doubleValue(), pair.get(1).doubleValue()});
    }
    return new Result((String) json.get("command"), (String) json.get("scenario"), (String) json.get("label"),
      new LinkedHashMap<>((Map<String, Object>) json.get("figures")), spectrum);
  }

  /** A figure as a number, or NaN when absent. */
  public double number(String name) {
    Object value = figures.get(name);
    return value instanceof Number n ? n.doubleValue() : Double.NaN;
  }
}
