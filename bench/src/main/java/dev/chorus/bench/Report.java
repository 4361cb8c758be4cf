package dev.chorus.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Human-readable output: one run as a two-column table, several runs as one comparison table. */
public final class Report {

  private static final List<String[]> COMPARISON_COLUMNS = List.of(
    new String[] {Result.RATE, "offered/s"},
    new String[] {Result.THROUGHPUT, "msg/s"},
    new String[] {Result.P50, "p50 ms"},
    new String[] {Result.P99, "p99 ms"},
    new String[] {Result.P999, "p99.9 ms"},
    new String[] {Result.MAX, "max ms"},
    new String[] {Result.LOST, "lost"},
    new String[] {Result.USER_CPU_PER_MESSAGE, "srv user us/msg"},
    new String[] {Result.CPU_PER_MESSAGE, "srv CPU us/msg"},
    new String[] {Result.IDLE_CPU_PERCENT, "idle CPU %/proc"},
    new String[] {Result.RSS, "srv RSS MiB"},
    new String[] {Result.RSS_PER_CONNECTION, "KiB/conn"},
    new String[] {Result.CONNECTS_PER_SECOND, "conn/s"});

  private Report() {
  }

  /** One run: its figures, one per line. */
  public static String table(Result result) {
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "%s %s (%s)%n", result.command(), result.scenario(), result.label()));
    for (Map.Entry<String, Object> figure : result.figures().entrySet()) {
      out.append(String.format(Locale.ROOT, "  %-26s %s%n", figure.getKey(), format(figure.getValue())));
    }
    return out.toString();
  }

  /**
   * Several runs, one row each, grouped by scenario in the order given. With a baseline label, three more
   * columns: server user and total CPU per message as multiples of the baseline's, and p99 minus the
   * baseline's p99.
   */
  public static String comparison(List<Result> results, String baseline) {
    List<String[]> columns = new ArrayList<>();
    for (String[] column : COMPARISON_COLUMNS) {
      if (results.stream().anyMatch(r -> r.figures().containsKey(column[0]))) {
        columns.add(column);
      }
    }
    List<List<String>> rows = new ArrayList<>();
    List<String> header = new ArrayList<>(List.of("scenario", "server"));
    columns.forEach(c -> header.add(c[1]));
    if (baseline != null) {
      header.add("user x " + baseline);
      header.add("CPU x " + baseline);
      header.add("p99 - " + baseline);
    }
    rows.add(header);
    List<String> scenarios = results.stream().map(Result::scenario).distinct().toList();
    for (String scenario : scenarios) {
      Optional<Result> base = results.stream()
        .filter(r -> r.scenario().equals(scenario) && r.label().equals(baseline)).findFirst();
      for (Result r : results) {
        if (!r.scenario().equals(scenario)) {
          continue;
        }
        List<String> row = new ArrayList<>(List.of(scenario, r.label()));
        columns.forEach(c -> row.add(format(r.figures().get(c[0]))));
        if (baseline != null) {
          row.add(base.map(b -> format(r.number(Result.USER_CPU_PER_MESSAGE) / b.number(Result.USER_CPU_PER_MESSAGE)))
            .orElse("-"));
          row.add(base.map(b -> format(r.number(Result.CPU_PER_MESSAGE) / b.number(Result.CPU_PER_MESSAGE)))
            .orElse("-"));
          row.add(base.map(b -> format(r.number(Result.P99) - b.number(Result.P99))).orElse("-"));
        }
        rows.add(row);
      }
    }
    return markdown(rows);
  }

  private static String markdown(List<List<String>> rows) {
    int[] widths = new int[rows.get(0).size()];
    for (List<String> row : rows) {
      for (int i = 0; i < row.size(); i++) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (int r = 0; r < rows.size(); r++) {
      appendRow(out, rows.get(r), widths);
      if (r == 0) {
        List<String> rule = new ArrayList<>();
        for (int width : widths) {
          rule.add("-".repeat(width));
        }
        appendRow(out, rule, widths);
      }
    }
    return out.toString();
  }

  private static void appendRow(StringBuilder out, List<String> row, int[] widths) {
    out.append('|');
    for (int i = 0; i < row.size(); i++) {
      out.append(' ').append(String.format(Locale.ROOT, "%-" + widths[i] + "s", row.get(i))).append(" |");
    }
    out.append('\n');
  }

  /** Numbers to three significant digits (whole numbers as such); absent values as "-". */
  static String format(Object value) {
    if (value == null) {
      return "-";
    }
    if (value instanceof Number n) {
      double d = n.doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        return "-";
      }
      if (d == Math.rint(d) && Math.abs(d) < 1e15) {
        return String.format(Locale.ROOT, "%d", (long) d);
      }
      double magnitude = Math.abs(d);
      if (magnitude >= 100) {
        return String.format(Locale.ROOT, "%.0f", d);
      }
      if (magnitude >= 10) {
        return String.format(Locale.ROOT, "%.1f", d);
      }
      if (magnitude >= 1) {
        return String.format(Locale.ROOT, "%.2f", d);
      }
      return String.format(Locale.ROOT, "%.3f", d);
    }
    return value.toString();
  }
}
