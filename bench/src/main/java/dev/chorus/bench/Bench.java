package dev.chorus.bench;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The load-test tool: {@code java -jar chorus-bench.jar <echo|fanout|hold|join|compare> ...}.
 * A progress line per second on stderr; the result as a table (or JSON with {@code --json}) on stdout; an
 * SVG latency chart with {@code --svg file}. It runs in its own JVM, never inside a server.
 */
public final class Bench {

  static final String USAGE = """
    usage: java -jar chorus-bench.jar <command> [options]
      echo     --url ws://127.0.0.1:8080/echo --connections 50 [--rate 0 (closed loop) | msg/s total] --size 64
      fanout   --url ws://h:8080/chat[,ws://h:8081/chat] --connections 1000 --senders 1 --rate 20 (msg/s total)
               [--room lobby] [--size 64] [--join all|senders] [--protocol chorus|socketio]
      hold     --url ws://127.0.0.1:8080/chat --connections 15000 --sources 4 (127.0.0.1..4) [--concurrency 256]
               [--protocol chorus|socketio]
      join     --url ws://127.0.0.1:8080/chat --connections 50 [--room lobby]: each joins and leaves a room
               of its own (<room>-<n>) in a closed loop; joins/s, join-to-notice latency, CPU per join
               (run the server with RATE_MESSAGES_PER_SECOND and RATE_BURST lifted)
      ack      --url ws://127.0.0.1:8080/chat --connections 100 [--room acks] [--size 64]: each joins a room of
               its own and chats with ids in a closed loop, the next once the last is acked; acked chats/s,
               send-to-ack latency, CPU per ack (run the server with the rate limit lifted)
      compare  result.json... [--baseline label] [--svg chart.svg]: one table from saved --json runs
    common: --duration 10s --warmup 2s --pid <server pid>[,pid] --label name --scenario name --threads 2
            --json --svg file --deflate (every socket offers permessage-deflate)
    --protocol socketio: the same chat messages as Socket.IO events over Engine.IO v4 (bench/peers/
            socketio-server.js); a URL without a path, ws://h:p, opens ws://h:p/socket.io/?EIO=4&transport=websocket
    """;

  private Bench() {
  }

  public static void main(String[] args) {
    BenchOptions options;
    try {
      options = BenchOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("bench: " + e.getMessage());
      System.err.print(USAGE);
      System.exit(2);
      return;
    }
    try {
      System.exit(run(options));
    } catch (Exception e) {
      System.err.println("bench: " + e.getMessage());
      System.exit(1);
    }
  }

  static int run(BenchOptions options) throws Exception {
    if ("compare".equals(options.command())) {
      return compare(options);
    }
    Vertx vertx = Vertx.builder()
      .with(new VertxOptions().setEventLoopPoolSize(options.threads()).setPreferNativeTransport(true))
      .build();
    try {
      ServerProbe probe = new ServerProbe(options.pids());
      Result result = switch (options.command()) {
        case "echo" -> new EchoBench(vertx, options, probe).run();
        case "fanout" -> new FanoutBench(vertx, options, probe).run();
        case "join" -> new JoinBench(vertx, options, probe).run();
        case "ack" -> new AckBench(vertx, options, probe).run();
        default -> new HoldBench(vertx, options, probe).run();
      };
      System.out.print(options.json() ? json(result.toJson()) + "\n" : Report.table(result));
      if (options.svg() != null && !result.spectrum().isEmpty()) {
        Files.writeString(Path.of(options.svg()), SvgChart.render(options.command() + " " + options.scenario(),
          List.of(new SvgChart.Series(options.label(), result.spectrum()))));
      }
      return 0;
    } finally {
      vertx.close().await();
    }
  }

  private static int compare(BenchOptions options) throws IOException {
    ObjectMapper mapper = new ObjectMapper();
    List<Result> results = new ArrayList<>();
    for (String file : options.files()) {
      String text = Files.readString(Path.of(file)).trim();
      if (text.isEmpty()) {
        System.err.println("bench: " + file + " is empty (the run failed?), skipped");
        continue;
      }
      results.add(Result.fromJson(mapper.readValue(text, new TypeReference<Map<String, Object>>() { })));
    }
    System.out.print(Report.comparison(results, options.baseline()));
    if (options.svg() != null) {
      List<SvgChart.Series> series = results.stream().filter(r -> !r.spectrum().isEmpty())
        .map(r -> new SvgChart.Series(r.scenario() + " " + r.label(), r.spectrum())).toList();
      Files.writeString(Path.of(options.svg()), SvgChart.render("latency by percentile", series));
    }
    return 0;
  }

  static String json(Object value) throws IOException {
    return new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS).writeValueAsString(value);
  }
}
