package dev.chorus.bench;

import java.util.List;
import java.util.Locale;

/**
 * A latency-by-percentile chart as a standalone SVG: x is the percentile on a log scale of 1/(1-p) (50 %,
 * 90 %, 99 %, 99.9 %, 99.99 % equally spaced), y the latency in ms; one line per series.
 */
public final class SvgChart {

  private static final int WIDTH = 800;
  private static final int HEIGHT = 450;
  private static final int LEFT = 70;
  private static final int RIGHT = 170;
  private static final int TOP = 40;
  private static final int BOTTOM = 50;
  /** The x axis ends at 99.999 %; the maximum is drawn there too. */
  private static final double MAX_NINES = 5;
  private static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
    "#e377c2", "#7f7f7f"};

  private SvgChart() {
  }

  /** One named line: (percentile 0..100, ms) points in increasing percentile. */
  public record Series(String name, List<double[]> points) {
  }

  public static String render(String title, List<Series> series) {
    double maxMs = series.stream().flatMap(s -> s.points().stream()).mapToDouble(p -> p[1]).max().orElse(1);
    double top = niceCeiling(maxMs);
    int plotWidth = WIDTH - LEFT - RIGHT;
    int plotHeight = HEIGHT - TOP - BOTTOM;
    StringBuilder svg = new StringBuilder();
    svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
      + "font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH, HEIGHT));
    svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, HEIGHT));
    svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"24\" font-size=\"15\">%s</text>%n", LEFT, escape(title)));
    for (int i = 0; i <= 5; i++) {
      double ms = top * i / 5;
      double y = TOP + plotHeight - plotHeight * i / 5.0;
      svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>%n",
        LEFT, LEFT + plotWidth, y, y));
      svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n",
        LEFT - 6, y + 4, Report.format(ms)));
    }
    String[] ticks = {"0%", "90%", "99%", "99.9%", "99.99%", "99.999%"};
    for (int i = 0; i < ticks.length; i++) {
      double x = LEFT + plotWidth * i / MAX_NINES;
      svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"#ddd\"/>%n",
        x, x, TOP, TOP + plotHeight));
      svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
        x, TOP + plotHeight + 18, ticks[i]));
    }
    svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">percentile</text>%n",
      LEFT + plotWidth / 2, HEIGHT - 10));
    svg.append(String.format(Locale.ROOT, "<text x=\"16\" y=\"%d\" transform=\"rotate(-90 16 %d)\" "
      + "text-anchor=\"middle\">latency (ms)</text>%n", TOP + plotHeight / 2, TOP + plotHeight / 2));
    for (int s = 0; s < series.size(); s++) {
      String colour = COLOURS[s % COLOURS.length];
      StringBuilder points = new StringBuilder();
      for (double[] p : series.get(s).points()) {
        double x = LEFT + plotWidth * Math.min(nines(p[0]), MAX_NINES) / MAX_NINES;
        double y = TOP + plotHeight - plotHeight * p[1] / top;
        points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
      }
      svg.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"%s\"/>%n",
        colour, points.toString().trim()));
      int legendY = TOP + 10 + 20 * s;
      svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"%s\" "
        + "stroke-width=\"3\"/>%n", WIDTH - RIGHT + 15, WIDTH - RIGHT + 35, legendY, legendY, colour));
      svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>%n", WIDTH - RIGHT + 40, legendY + 4,
        escape(series.get(s).name())));
    }
    svg.append("</svg>\n");
    return svg.toString();
  }

  /** 90 % is one nine, 99 % two, ...: log10(1 / (1 - p)). */
  static double nines(double percentile) {
    if (percentile >= 100) {
      return MAX_NINES;
    }
    return Math.log10(100 / (100 - percentile));
  }

  /** 1, 2 or 5 times a power of ten, at least {@code value}. */
  static double niceCeiling(double value) {
    if (value <= 0) {
      return 1;
    }
    double power = Math.pow(10, Math.floor(Math.log10(value)));
    for (double step : new double[] {1, 2, 5, 10}) {
      if (step * power >= value) {
        return step * power;
      }
    }
    return 10 * power;
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
