package dev.chorus.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The command line of {@link Bench}: a command ({@code echo}, {@code fanout}, {@code hold}, {@code join},
 * {@code ack}, {@code compare}) followed by {@code --name value} options and flags. Unknown or malformed options throw
 * {@link IllegalArgumentException} naming the option; defaults are the constants below.
 */
public record BenchOptions(
  String command,
  List<String> urls,
  int connections,
  Duration duration,
  Duration warmup,
  double rate,
  int payloadBytes,
  int senders,
  String room,
  boolean joinAll,
  ChatProtocol protocol,
  int sources,
  int concurrency,
  int threads,
  List<Long> pids,
  String label,
  String scenario,
  boolean json,
  boolean deflate,
  String svg,
  String baseline,
  List<String> files) {

  public static final List<String> COMMANDS = List.of("echo", "fanout", "hold", "join", "ack", "compare");
  /** The commands that speak {@code --protocol socketio} as well as Chorus's chat protocol. */
  public static final List<String> PROTOCOL_COMMANDS = List.of("fanout", "hold");
  public static final int DEFAULT_CONNECTIONS = 50;
  public static final Duration DEFAULT_DURATION = Duration.ofSeconds(10);
  public static final Duration DEFAULT_WARMUP = Duration.ofSeconds(2);
  public static final int DEFAULT_PAYLOAD_BYTES = 64;
  public static final int DEFAULT_SENDERS = 1;
  public static final String DEFAULT_ROOM = "lobby";
  public static final int DEFAULT_SOURCES = 1;
  public static final int DEFAULT_CONCURRENCY = 256;
  public static final int DEFAULT_THREADS = 2;

  private static final Set<String> FLAGS = Set.of("json", "deflate");

  /** Parses {@code args}; the first is the command. */
  public static BenchOptions parse(String... args) {
    if (args.length == 0 || !COMMANDS.contains(args[0])) {
      throw new IllegalArgumentException("command must be one of " + COMMANDS);
    }
    String command = args[0];
    Map<String, String> values = new HashMap<>();
    List<String> files = new ArrayList<>();
    for (int i = 1; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--")) {
        files.add(arg);
        continue;
      }
      String name = arg.substring(2);
      String value;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      } else if (FLAGS.contains(name)) {
        value = "true";
      } else if (i + 1 < args.length) {
        value = args[++i];
      } else {
        throw new IllegalArgumentException("--" + name + " needs a value");
      }
      values.put(name, value);
    }
    Reader r = new Reader(values);
    String defaultUrl = switch (command) {
      case "echo" -> "ws://127.0.0.1:8080/echo";
      case "compare" -> "";
      default -> "ws://127.0.0.1:8080/chat";
    };
    BenchOptions options = new BenchOptions(
      command,
      r.list("url", defaultUrl),
      r.positiveInt("connections", DEFAULT_CONNECTIONS),
      r.duration("duration", DEFAULT_DURATION),
      r.duration("warmup", DEFAULT_WARMUP),
      r.nonNegativeDouble("rate", 0),
      r.nonNegativeInt("size", DEFAULT_PAYLOAD_BYTES),
      r.positiveInt("senders", DEFAULT_SENDERS),
      r.string("room", DEFAULT_ROOM),
      !"senders".equals(r.choice("join", "all", "all", "senders")),
      ChatProtocol.named(r.choice("protocol", "chorus", "chorus", "socketio")),
      r.positiveInt("sources", DEFAULT_SOURCES),
      r.positiveInt("concurrency", DEFAULT_CONCURRENCY),
      r.positiveInt("threads", DEFAULT_THREADS),
      r.list("pid", "").stream().map(p -> r.parseLong("pid", p)).toList(),
      r.string("label", command),
      r.string("scenario", command),
      Boolean.parseBoolean(r.string("json", "false")),
      Boolean.parseBoolean(r.string("deflate", "false")),
      r.string("svg", null),
      r.string("baseline", null),
      List.copyOf(files));
    r.rejectUnknown();
    options.validate();
    return options;
  }

  private void validate() {
    if (!"compare".equals(command) && !files.isEmpty()) {
      throw new IllegalArgumentException("unexpected argument " + files.get(0));
    }
    if ("compare".equals(command) && files.isEmpty()) {
      throw new IllegalArgumentException("compare needs one or more result files (bench ... --json > file)");
    }
    if ("fanout".equals(command)) {
      if (rate <= 0) {
        throw new IllegalArgumentException("--rate must be > 0 for fanout (total messages per second)");
      }
      if (senders > connections) {
        throw new IllegalArgumentException("--senders must be <= --connections");
      }
    }
    if (protocol != ChatProtocol.CHORUS && !PROTOCOL_COMMANDS.contains(command)) {
      throw new IllegalArgumentException("--protocol " + protocol.name().toLowerCase(Locale.ROOT)
        + " is for " + PROTOCOL_COMMANDS + " only");
    }
    if (sources > 254) {
      throw new IllegalArgumentException("--sources must be <= 254 (127.0.0.1 .. 127.0.0.254)");
    }
  }

  /** Closed loop: each connection sends its next message when the previous answer arrives. */
  public boolean closedLoop() {
    return rate == 0;
  }

  /** The source address of the i-th connection in {@code hold}: 127.0.0.1, .2, ... round robin. */
  public String sourceAddress(int connection) {
    return "127.0.0." + (1 + connection % sources);
  }

  /** The node URL of the i-th client: the URLs round robin, as {@link #protocol} opens them. */
  public String urlOf(int client) {
    return protocol.target(urls.get(client % urls.size()));
  }

  /** Parses durations such as {@code 10s}, {@code 500ms}, {@code 2m} or plain seconds. */
  static Duration parseDuration(String text) {
    String t = text.trim();
    try {
      if (t.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
      }
      if (t.endsWith("s")) {
        return Duration.ofMillis(Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 1000));
      }
      if (t.endsWith("m")) {
        return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)) * 60);
      }
      return Duration.ofMillis(Math.round(Double.parseDouble(t) * 1000));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a duration: " + text);
    }
  }

  /** Reads typed values out of the option map, remembering which were used. */
  private static final class Reader {
    private final Map<String, String> values;
    private final Set<String> used = new java.util.HashSet<>();

    Reader(Map<String, String> values) {
      this.values = values;
    }

    String string(String name, String fallback) {
      used.add(name);
      return values.getOrDefault(name, fallback);
    }

    String choice(String name, String fallback, String... allowed) {
      String value = string(name, fallback);
      if (!Arrays.asList(allowed).contains(value)) {
        throw new IllegalArgumentException("--" + name + " must be one of " + Arrays.toString(allowed));
      }
      return value;
    }

    List<String> list(String name, String fallback) {
      String value = string(name, fallback);
      return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    int positiveInt(String name, int fallback) {
      int value = nonNegativeInt(name, fallback);
      if (value == 0) {
        throw new IllegalArgumentException("--" + name + " must be > 0");
      }
      return value;
    }

    int nonNegativeInt(String name, int fallback) {
      long value = parseLong(name, string(name, Integer.toString(fallback)));
      if (value < 0 || value > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("--" + name + " must be >= 0");
      }
      return (int) value;
    }

    double nonNegativeDouble(String name, double fallback) {
      String text = string(name, Double.toString(fallback));
      try {
        double value = Double.parseDouble(text);
        if (value < 0 || Double.isNaN(value) || Double.isInfinite(value)) {
          throw new IllegalArgumentException("--" + name + " must be >= 0");
        }
        return value;
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--" + name + " must be a number, not " + text);
      }
    }

    Duration duration(String name, Duration fallback) {
      String text = string(name, null);
      return text == null ? fallback : parseDuration(text);
    }

    long parseLong(String name, String text) {
      try {
        return Long.parseLong(text.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--" + name + " must be a whole number, not " + text);
      }
    }

    void rejectUnknown() {
      for (String name : values.keySet()) {
        if (!used.contains(name)) {
          throw new IllegalArgumentException("unknown option --" + name);
        }
      }
    }
  }
}
