package dev.chorus.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Chorus node as operators run it: {@code java -jar target/chat-server.jar} in its own process and working
 * directory, configured by environment variables. Output goes to a log file kept under target/ for
 * post-mortems, the JVM's collections and safepoints to jvm.log beside it. {@link #close()} kills the process
 * if it is still running. Nodes run with the cluster secret {@link #CLUSTER_SECRET} unless the environment
 * names one (CLUSTER_SECRET or CLUSTER_SECRET_FILE; an empty CLUSTER_SECRET runs without), as every cluster
 * off loopback must.
 */
public final class NodeProcess implements AutoCloseable {

  /** The cluster secret of test nodes that name none. */
  public static final String CLUSTER_SECRET = "chorus-test-cluster-secret-0123456789abcdef";

  private final Process process;
  private final Path log;
  private final Map<String, String> env;
  private final String httpHost;

  private NodeProcess(Process process, Path log, Map<String, String> env, String httpHost) {
    this.process = process;
    this.log = log;
    this.env = env;
    this.httpHost = httpHost;
  }

  /** The fat jar under test: -Dchorus.jar (set by the build), else target/chat-server.jar. */
  public static Path jar() {
    Path jar = Path.of(System.getProperty("chorus.jar", RepoFiles.path("target", "chat-server.jar").toString())).toAbsolutePath();
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: run `mvn package` first");
    }
    return jar;
  }

  /** Starts a node with these environment variables added to the test's own. */
  public static NodeProcess start(String name, Map<String, String> env) {
    return start(name, env, List.of(), "127.0.0.1");
  }

  /**
   * Starts a node whose command line is prefixed by {@code wrapper} (for example {@code ip netns exec ns}),
   * reached by the test on {@code httpHost}. The wrapper must exec the JVM so that killing the process
   * kills the node.
   */
  public static NodeProcess start(String name, Map<String, String> given, List<String> wrapper, String httpHost) {
    Map<String, String> env = new HashMap<>(given);
    if (!env.containsKey("CLUSTER_SECRET") && !env.containsKey("CLUSTER_SECRET_FILE")) {
      env.put("CLUSTER_SECRET", CLUSTER_SECRET);
    }
    try {
      Path dir = Files.createDirectories(Path.of("target", "nodes"));
      Path workDir = Files.createTempDirectory(dir, name + "-");
      Path log = workDir.resolve("node.log");
      List<String> command = new ArrayList<>(wrapper);
      // Vert.x's file cache under the node's own directory, not /tmp: a node the test kills leaves it behind.
      // Collections and safepoints go to jvm.log beside node.log: a node silent in its log (a member its peers
      // stopped hearing from) shows there whether the JVM stood still, and for how long.
      command.addAll(List.of(javaBinary(), "-Xmx256m", "-Dvertx.cacheDirBase=" + workDir.resolve("vertx-cache"),
        "-Xlog:gc,safepoint:file=" + workDir.resolve("jvm.log").toAbsolutePath() + ":time,uptime",
        "-jar", jar().toString()));
      ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
        .redirectErrorStream(true).redirectOutput(log.toFile());
      builder.environment().putAll(env);
      return new NodeProcess(builder.start(), log, Map.copyOf(env), httpHost);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** The host the test reaches this node's HTTP port on. */
  public String httpHost() {
    return httpHost;
  }

  /** HTTP_PORT, or the default 8080 when the node was started without it. */
  public int httpPort() {
    return Integer.parseInt(env.getOrDefault("HTTP_PORT", "8080"));
  }

  public String clusterAddress() {
    return env.get("CLUSTER_HOST") + ":" + env.get("CLUSTER_PORT");
  }

  public long pid() {
    return process.pid();
  }

  /** HTTP to this node, each request answered within 2 s. */
  public Http http() {
    return Http.to(httpHost, httpPort()).timeout(Duration.ofSeconds(2));
  }

  /** Waits until /ready answers 200; fails with the node's log if it exits or takes too long. */
  public NodeProcess awaitReady(Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError("node exited with " + process.exitValue() + " before ready:\n" + log());
      }
      if (http().status("/ready") == 200) {
        return this;
      }
      pause(Duration.ofMillis(100));
    }
    throw new AssertionError("node not ready within " + wait + ":\n" + log());
  }

  /** Sends SIGTERM. */
  public void terminate() {
    process.destroy();
  }

  /** Sends SIGSTOP: the process freezes, its connections stay open (a hung node). */
  public void freeze() {
    signal("STOP");
  }

  /** Sends SIGCONT: a frozen process goes on where it stopped. */
  public void thaw() {
    signal("CONT");
  }

  private void signal(String name) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new AssertionError("kill -" + name + " " + process.pid() + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Sends SIGKILL. */
  public void kill() {
    process.destroyForcibly();
  }

  /** Waits for the process to exit and returns its status. */
  public int awaitExit(Duration wait) {
    try {
      if (!process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError("node still running after " + wait + ":\n" + log());
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Everything the node printed so far. */
  public String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** Polling interval of the wait loops above: waiting on a condition, never a fixed sleep. */
  private static void pause(Duration interval) {
    try {
      Thread.sleep(interval.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
