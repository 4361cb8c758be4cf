package dev.chorus.support;

import dev.chorus.ChorusNode;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One Chorus node for tests, started and stopped the same way everywhere: as a JUnit 5 extension on a static
 * field, or by a test that needs a node of its own.
 * <pre>
 * &#64;RegisterExtension
 * static final TestNode NODE = TestNode.inProcess().env("ADMIN_TOKEN", TOKEN);
 * </pre>
 * As an extension it starts the node before the class's {@code @BeforeAll} methods and tests ({@link #perTest()}:
 * before each test's {@code @BeforeEach}), and stops it after them. A test's own node:
 * {@code try (TestNode other = TestNode.inProcess().start()) {...}}. Always in this order at the end: the
 * node is stopped, then the client Vert.x (created on first use) is closed.
 * <p>Each start is alone in a cluster of its own (TestNodes.uniqueClusterName) on free loopback ports
 * (TestNodes.environment), plus the variables given here, unless it is {@link #joining} another node. In
 * process ({@link #inProcess()}: a ChorusNode in the test's JVM, {@link #node()}) or as operators run it
 * ({@link #process(String)}: java -jar target/chat-server.jar in a process of its own, {@link #process()}).
 * A node that fails to start is stopped, its process killed, before the failure is reported.
 * <p>For the test: {@link #port()}, {@link #connect} (a ChatClient on the client Vert.x), {@link #raw} (a
 * RawWebSocket) and {@link #http()}.
 */
public final class TestNode implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, AfterAllCallback,
  AutoCloseable {

  /** Edits the environment of a node just before it starts; it may abort the test (an assumption) instead. */
  @FunctionalInterface
  public interface Setup {
    void apply(Map<String, String> env) throws Exception;
  }

  /** How long a node may take to be ready. */
  private static final Duration READY_WAIT = Duration.ofSeconds(90);

  /** The process's name (its directory under target/nodes/), null in process. */
  private final String processName;
  private final Map<String, String> variables = new LinkedHashMap<>();
  private final List<Setup> setups = new ArrayList<>();
  private boolean perTest;
  private TestNode first;

  private volatile Map<String, String> env;
  private volatile ChorusNode node;
  private volatile NodeProcess process;
  private Vertx clients;

  private TestNode(String processName) {
    this.processName = processName;
  }

  /** A node in the test's own JVM. */
  public static TestNode inProcess() {
    return new TestNode(null);
  }

  /** A node as operators run it, in a process of its own; {@code name} names its directory under target/nodes/. */
  public static TestNode process(String name) {
    return new TestNode(name);
  }

  /** Sets an environment variable, as an operator would; it wins over the test defaults. */
  public TestNode env(String name, String value) {
    variables.put(name, value);
    return this;
  }

  /**
   * Lifts the per-connection rate limit, for tests that publish faster than a person types
   * (RateLimitTest covers the limit itself).
   */
  public TestNode withoutRateLimit() {
    TestNodes.withoutRateLimit(variables);
    return this;
  }

  /** Runs {@code setup} on the environment before every start, after the variables are set. */
  public TestNode configure(Setup setup) {
    setups.add(setup);
    return this;
  }

  /** As an extension, a fresh node for every test: nothing one test leaves behind reaches the next. */
  public TestNode perTest() {
    perTest = true;
    return this;
  }

  /**
   * Joins {@code other}'s cluster (naming it in CLUSTER_MEMBERS) and shares its client Vert.x. {@code other}
   * must be running: as extensions, register this one after it with {@code @Order}, so it is also stopped
   * first.
   */
  public TestNode joining(TestNode other) {
    first = other;
    return this;
  }

  /** Starts the node and waits until it is ready. */
  public TestNode start() {
    if (env != null) {
      throw new IllegalStateException(this + " is already running");
    }
    if (first != null && first.env == null) {
      throw new IllegalStateException(this + " joins " + first + ", which is not running: start it first "
        + "(as extensions, give this one the higher @Order)");
    }
    try {
      Map<String, String> environment = first == null ? TestNodes.environment(TestNodes.uniqueClusterName(), "")
        : TestNodes.environment(first.clusterName(), first.clusterAddress());
      environment.putAll(variables);
      for (Setup setup : setups) {
        setup.apply(environment);
      }
      env = Map.copyOf(environment);
      if (processName == null) {
        node = TestNodes.start(TestNodes.settings(environment));
      } else {
        process = NodeProcess.start(processName, environment);
        process.awaitReady(READY_WAIT);
      }
      return this;
    } catch (RuntimeException | Error e) {
      stopAfter(e);
      throw e;
    } catch (Exception e) {
      stopAfter(e);
      throw new IllegalStateException("setting up " + this + " failed", e);
    }
  }

  private void stopAfter(Throwable failure) {
    try {
      stop();
    } catch (RuntimeException | Error e) {
      failure.addSuppressed(e);
    }
  }

  /** Stops the node (kills its process); nothing happens when it is not running. */
  public void stop() {
    ChorusNode stopping = node;
    NodeProcess killing = process;
    node = null;
    process = null;
    env = null;
    if (killing != null) {
      killing.close();
    }
    TestNodes.stop(stopping);
  }

  /** Stops the node, then closes the client Vert.x if this node made one. */
  @Override
  public void close() {
    try {
      stop();
    } finally {
      Vertx made;
      synchronized (this) {
        made = clients;
        clients = null;
      }
      if (made != null) {
        made.close().await();
      }
    }
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    if (!perTest) {
      start();
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    if (perTest) {
      start();
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (perTest) {
      stop();
    }
  }

  /** Also runs when a start failed, or when an earlier extension's did and this one never started. */
  @Override
  public void afterAll(ExtensionContext context) {
    close();
  }

  private Map<String, String> running() {
    Map<String, String> running = env;
    if (running == null) {
      throw new IllegalStateException(this + " is not running");
    }
    return running;
  }

  /** The HTTP (and WebSocket) port on 127.0.0.1. */
  public int port() {
    return Integer.parseInt(running().get("HTTP_PORT"));
  }

  /** The name of the cluster the node is in. */
  public String clusterName() {
    return running().get("CLUSTER_NAME");
  }

  /** CLUSTER_HOST:CLUSTER_PORT, as another member names this one in CLUSTER_MEMBERS. */
  public String clusterAddress() {
    Map<String, String> running = running();
    return running.get("CLUSTER_HOST") + ":" + running.get("CLUSTER_PORT");
  }

  /** The running node, in process. */
  public ChorusNode node() {
    ChorusNode running = node;
    if (running == null) {
      throw new IllegalStateException(this + " has no in-process node running");
    }
    return running;
  }

  /** The in-process node's counter {@code name} with the tag {@code key}={@code value}; 0 before it counted. */
  public double counter(String name, String key, String value) {
    var counter = node().metrics().registry().find(name).tag(key, value).counter();
    return counter == null ? 0 : counter.count();
  }

  /** The running node's process. */
  public NodeProcess process() {
    NodeProcess running = process;
    if (running == null) {
      throw new IllegalStateException(this + " has no process running");
    }
    return running;
  }

  /** The Vert.x the test's clients run on: this node's (made on first use), or that of the node it joins. */
  public Vertx vertx() {
    if (first != null) {
      return first.vertx();
    }
    synchronized (this) {
      if (clients == null) {
        clients = Vertx.vertx();
      }
      return clients;
    }
  }

  /** A ChatClient on /chat. */
  public ChatClient connect() {
    return connect("/chat");
  }

  /** A ChatClient on {@code path} (which may carry a query). */
  public ChatClient connect(String path) {
    return ChatClient.connect(vertx(), port(), path);
  }

  /** A RawWebSocket upgraded on {@code path}. */
  public RawWebSocket raw(String path) {
    return RawWebSocket.upgraded(port(), path);
  }

  /** Plain HTTP to the node. */
  public Http http() {
    return Http.to("127.0.0.1", port());
  }

  @Override
  public String toString() {
    return processName == null ? "in-process node" : "node process '" + processName + "'";
  }
}
