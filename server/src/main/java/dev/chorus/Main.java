package dev.chorus;

import dev.chorus.config.Settings;
import dev.chorus.config.SettingsException;
import dev.chorus.config.SettingsLoader;
import dev.chorus.history.StoreUnreachable;
import dev.chorus.logging.LogSetup;
import dev.chorus.node.HeapReturn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Entry point of {@code java -jar chat-server.jar}: settings, then a node, then a shutdown hook. */
public final class Main {

  /** Exit status for a setting with a bad value, or a history store it names that does not answer at start. */
  static final int EXIT_BAD_SETTING = 2;
  /** Exit status for a node that could not start (port taken, cluster unreachable...). */
  static final int EXIT_START_FAILED = 1;
  /** Extra time the shutdown hook allows beyond the socket-drain timeout for leaving the cluster. */
  static final long LEAVE_GRACE_SECONDS = 10;

  private Main() {
  }

  public static void main(String[] args) {
    Settings settings;
    try {
      settings = SettingsLoader.load(System.getenv(), Path.of("").toAbsolutePath());
    } catch (SettingsException e) {
      System.err.println("chorus: " + e.getMessage());
      System.exit(EXIT_BAD_SETTING);
      return;
    }
    LogSetup.apply(settings.logging());
    HeapReturn.apply(settings.server().memoryReturnSeconds());
    ChorusNode node = new ChorusNode(settings, Path.of("").toAbsolutePath());
    try {
      node.start().await();
    } catch (Exception e) {
      boolean storeUnreachable = e instanceof StoreUnreachable || e.getCause() instanceof StoreUnreachable;
      System.err.println(storeUnreachable ? "chorus: " + (e instanceof StoreUnreachable ? e : e.getCause()).getMessage()
        : "chorus: the node could not start: " + rootMessage(e));
      try {
        node.stop().toCompletionStage().toCompletableFuture().get(LEAVE_GRACE_SECONDS, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // Exiting anyway: peers notice the missing member by its closed connection.
      }
      System.exit(storeUnreachable ? EXIT_BAD_SETTING : EXIT_START_FAILED);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> stopAndExit(node, settings), "chorus-shutdown"));
  }

  /** On SIGTERM: drain and leave within the configured time, then exit 0 (the JVM would say 143). */
  private static void stopAndExit(ChorusNode node, Settings settings) {
    Logger log = LoggerFactory.getLogger(Main.class);
    log.info("Shutting down: closing connections with 1001, then leaving the cluster");
    long limit = settings.server().shutdownTimeoutSeconds() + LEAVE_GRACE_SECONDS;
    int status = 0;
    try {
      node.stop().toCompletionStage().toCompletableFuture().get(limit, TimeUnit.SECONDS);
      log.info("Left the cluster; bye");
    } catch (Exception e) {
      log.warn("Shutdown did not finish cleanly within {} s: {}", limit, rootMessage(e));
      status = EXIT_START_FAILED;
    }
    System.out.flush();
    System.err.flush();
    Runtime.getRuntime().halt(status);
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.toString() : root.getMessage();
  }
}
