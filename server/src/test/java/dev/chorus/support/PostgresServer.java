package dev.chorus.support;

import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server of its own for a test: Debian's binaries ({@code /usr/lib/postgresql/<version>/bin},
 * which .ci/run installs), a fresh cluster in a temporary directory, listening on a free loopback port, with
 * password (SCRAM) authentication. PostgreSQL refuses to run as root, so as root it runs as the
 * {@code postgres} user the package creates. Where the binaries are missing the test is skipped, saying why.
 * fsync is off: these tests restart Chorus, not the machine. {@link #stop} and {@link #start} take the
 * server away and bring it back on the same port with the same data.
 */
public final class PostgresServer implements AutoCloseable {

  public static final String USER = "chorus";
  public static final String PASSWORD = "chorus-test-password";
  private static final Path BIN_ROOT = Path.of("/usr/lib/postgresql");

  private final Path bin;
  private final Path dir;
  private final int port;
  private final boolean asPostgresUser;
  private final String listen;

  private PostgresServer(Path bin, Path dir, int port, boolean asPostgresUser, String listen) {
    this.bin = bin;
    this.dir = dir;
    this.port = port;
    this.asPostgresUser = asPostgresUser;
    this.listen = listen;
  }

  /** Creates and starts a server on loopback; skips the calling test when PostgreSQL is not installed. */
  public static PostgresServer create() {
    return create("127.0.0.1");
  }

  /**
   * Creates and starts a server listening on {@code address} (and loopback), accepting password logins from
   * any address (for hosts in network namespaces); skips the calling test when PostgreSQL is not installed.
   */
  public static PostgresServer create(String address) {
    Path bin = binaries();
    Assumptions.assumeTrue(bin != null, "PostgreSQL is not installed (apt-get install postgresql): skipped");
    boolean root = "root".equals(System.getProperty("user.name"));
    try {
      Path dir = Files.createTempDirectory("chorus-pg-");
      Path data = dir.resolve("data");
      Path passwordFile = dir.resolve("password");
      Files.writeString(passwordFile, PASSWORD + "\n");
      String listen = address.equals("127.0.0.1") ? address : "127.0.0.1," + address;
      PostgresServer server = new PostgresServer(bin, dir, FreePorts.next(), root, listen);
      if (root) {
        server.run(List.of("chown", "-R", "postgres:postgres", dir.toString()), false);
      }
      server.run(List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", USER, "--pwfile",
        passwordFile.toString(), "--auth=scram-sha-256", "-E", "UTF8", "--locale=C"), root);
      Files.writeString(data.resolve("pg_hba.conf"), "host all all 0.0.0.0/0 scram-sha-256\n",
        java.nio.file.StandardOpenOption.APPEND);
      server.start();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The newest installed version's bin directory, or null. */
  private static Path binaries() {
    if (!Files.isDirectory(BIN_ROOT)) {
      return null;
    }
    try (Stream<Path> versions = Files.list(BIN_ROOT)) {
      return versions.map(version -> version.resolve("bin"))
        .filter(candidate -> Files.isExecutable(candidate.resolve("initdb")) && Files.isExecutable(candidate.resolve("pg_ctl")))
        .max(Comparator.comparing(Path::toString)).orElse(null);
    } catch (IOException e) {
      return null;
    }
  }

  /** Starts (again) on the same port with the same data, and waits until it accepts connections. */
  public void start() {
    run(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-l",
      dir.resolve("log").toString(), "-w", "-t", "60", "-o",
      "-p " + port + " -k " + dir + " -c listen_addresses=" + listen + " -c fsync=off", "start"), asPostgresUser);
  }

  /** Stops at once (fast shutdown: connections are cut, nothing committed is lost). */
  public void stop() {
    run(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "fast", "-w",
      "stop"), asPostgresUser);
  }

  public int port() {
    return port;
  }

  /** The URL Chorus's history.postgresUrl takes, on loopback. */
  public String url() {
    return url("127.0.0.1");
  }

  /** The URL Chorus's history.postgresUrl takes, reaching the server at {@code address}. */
  public String url(String address) {
    return "postgresql://" + USER + ":" + PASSWORD + "@" + address + ":" + port + "/postgres";
  }

  /** How many of {@code rooms} have a row in Chorus's {@code chorus_rooms}. */
  public long roomRows(Collection<String> rooms) {
    return query("SELECT count(*) FROM chorus_rooms WHERE room = ANY($1)", (Object) rooms.toArray(String[]::new))
      .iterator().next().getLong(0);
  }

  /** Runs one statement with {@code params} on a connection of its own, as an operator would. */
  public RowSet<Row> query(String sql, Object... params) {
    Vertx vertx = Vertx.vertx();
    try {
      Pool pool = PgBuilder.pool().connectingTo(PgConnectOptions.fromUri(url())).using(vertx).build();
      return pool.preparedQuery(sql).execute(Tuple.from(params)).await(30, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException("PostgreSQL did not answer", e);
    } finally {
      vertx.close().await();
    }
  }

  private void run(List<String> command, boolean asPostgres) {
    List<String> full = new ArrayList<>();
    if (asPostgres) {
      full.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    full.addAll(command);
    try {
      Process process = new ProcessBuilder(full).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes());
      if (!process.waitFor(90, TimeUnit.SECONDS) || process.exitValue() != 0) {
        process.destroyForcibly();
        throw new IllegalStateException(String.join(" ", full) + " failed: " + output + log());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private String log() {
    try {
      Path log = dir.resolve("log");
      return Files.exists(log) ? "\nserver log:\n" + Files.readString(log) : "";
    } catch (IOException e) {
      return "";
    }
  }

  /** Stops the server if it runs and deletes its directory. */
  @Override
  public void close() {
    try {
      if (Files.exists(dir.resolve("data").resolve("postmaster.pid"))) {
        stop();
      }
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      } catch (IOException e) {
        // Best effort: the directory is in the temporary directory.
      }
    }
  }
}
