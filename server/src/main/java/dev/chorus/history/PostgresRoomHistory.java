package dev.chorus.history;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link RoomHistory} in PostgreSQL: every room's whole stream, kept across restarts of the whole cluster.
 * PostgreSQL is the sequencer: {@code chorus_append} (see {@link PostgresSchema}) locks the room's row, finds a
 * stored id or takes the next seq, and inserts the message, so a seq and an id each name one message, and a
 * room keeps its epoch for good. An append completes only once its transaction has committed. A room has a
 * row from its first message on: reads and positions insert nothing, and a room without a row has the epoch
 * {@link Epochs#of} the database's generation and the room, which its first message's row then takes.
 * <p>Appends are grouped: while {@link #CONNECTIONS} transactions are in flight, new appends wait and go
 * together in the next one (at most {@link #MAX_BATCH}), one round trip and one commit for all of them. The
 * statements of a transaction run in room order, so two nodes' transactions lock rooms in the same order
 * and never deadlock. Thread-safe; futures complete on the caller's context.
 * <p>Reachability is known from every call's outcome and from a probe once a second while unreachable
 * ({@link #reachable()}); the pool reconnects by itself.
 */
public final class PostgresRoomHistory implements RoomHistory {

  /** Transactions in flight at once; one connection each. */
  static final int CONNECTIONS = 4;
  /** Appends in one transaction, at most. */
  static final int MAX_BATCH = 256;
  /** The longest a call may take before it counts as failed (its outcome then unknown: an id makes it safe to retry). */
  static final long CALL_TIMEOUT_MILLIS = 5_000;
  private static final long PROBE_MILLIS = 1_000;
  private static final Logger LOG = LoggerFactory.getLogger(PostgresRoomHistory.class);

  private static final String APPEND = "SELECT * FROM chorus_append($1, $2, $3, $4, $5, $6)";
  private static final String READ = """
    SELECT r.epoch, m.seq, m.ts, m.sender, m.message, m.msg_key FROM chorus_rooms r
    LEFT JOIN LATERAL (SELECT seq, ts, sender, message, msg_key FROM chorus_messages
      WHERE room = r.room AND seq > $2 AND seq <= $3 ORDER BY seq LIMIT $4) m ON true
    WHERE r.room = $1 ORDER BY m.seq""";
  private static final String POSITION = "SELECT epoch, last_seq FROM chorus_rooms WHERE room = $1";
  private static final String GENERATION = "SELECT generation FROM chorus_generation";
  private static final String EXPIRE = "DELETE FROM chorus_messages WHERE ts < $1";

  /** An append waiting for its transaction. */
  private record Pending(String room, String id, String sender, String message, long ts, String newEpoch,
                         Context context, Promise<Appended> done) {
    Tuple tuple() {
      return Tuple.of(room, id == null ? null : MessageKeys.of(id, sender), sender, message, ts, newEpoch);
    }

    void complete(Appended appended) {
      context.runOnContext(v -> done.complete(appended));
    }

    void fail(Throwable cause) {
      context.runOnContext(v -> done.fail(cause));
    }
  }

  private final Vertx vertx;
  private final Pool pool;
  private final String where;
  /** The database's generation ({@link PostgresSchema}): what the epochs of rooms without a row derive from. */
  private final String generation;
  private final ConcurrentLinkedQueue<Pending> waiting = new ConcurrentLinkedQueue<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile boolean reachable = true;
  private long probeTimer = -1;
  private long expiryTimer = -1;

  private PostgresRoomHistory(Vertx vertx, Pool pool, String where, String generation) {
    this.vertx = vertx;
    this.pool = pool;
    this.where = where;
    this.generation = generation;
  }

  /**
   * Connects to {@code url} ({@code postgresql://user:password@host:port/database}), creates or migrates the
   * schema, and from then on deletes messages older than {@code retentionDays} once an hour (0: never).
   * Fails when PostgreSQL cannot be reached or the schema cannot be brought up to date.
   */
  public static Future<PostgresRoomHistory> open(Vertx vertx, String url, int retentionDays) {
    PgConnectOptions connect = PgConnectOptions.fromUri(url).setPipeliningLimit(MAX_BATCH);
    // Room for the transactions in flight, reads, and transactions that timed out but still hold a connection.
    Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(CONNECTIONS * 2))
      .with(new NetClientOptions().setConnectTimeout((int) CALL_TIMEOUT_MILLIS)).connectingTo(connect)
      .using(vertx).build();
    String where = connect.getHost() + ":" + connect.getPort() + "/" + connect.getDatabase();
    return PostgresSchema.migrate(pool)
      .compose(v -> pool.query(GENERATION).execute())
      .timeout(CALL_TIMEOUT_MILLIS * 2, TimeUnit.MILLISECONDS)
      .recover(failure -> pool.close().transform(v -> Future.<RowSet<Row>>failedFuture(
        new StoreUnreachable("cannot reach PostgreSQL at " + where + " (history.postgresUrl): "
          + failure.getMessage(), failure))))
      .map(rows -> {
        PostgresRoomHistory history = new PostgresRoomHistory(vertx, pool, where,
          rows.iterator().next().getString("generation"));
        history.startExpiry(retentionDays);
        LOG.info("History in PostgreSQL at {}: schema version {}", where, PostgresSchema.VERSION);
        return history;
      });
  }

  /**
   * Connects to {@code url} once and brings the schema up to date, on a Vert.x instance of its own, so a node
   * can refuse to start before it joins its cluster; fails with {@link StoreUnreachable}.
   */
  public static void check(String url) {
    Vertx own = Vertx.vertx();
    try {
      open(own, url, 0).compose(PostgresRoomHistory::close).await();
    } finally {
      own.close().await();
    }
  }

  @Override
  public Future<Appended> append(String room, String id, String sender, String message, long ts) {
    Promise<Appended> done = Promise.promise();
    waiting.add(new Pending(room, id, sender, message, ts, unbornEpoch(room), vertx.getOrCreateContext(), done));
    flush();
    return done.future();
  }

  /** Starts transactions for the waiting appends while fewer than {@link #CONNECTIONS} are in flight. */
  private void flush() {
    while (!waiting.isEmpty()) {
      if (inFlight.incrementAndGet() > CONNECTIONS) {
        inFlight.decrementAndGet();
        return;
      }
      List<Pending> batch = new ArrayList<>();
      for (Pending next; batch.size() < MAX_BATCH && (next = waiting.poll()) != null; ) {
        batch.add(next);
      }
      if (batch.isEmpty()) {
        inFlight.decrementAndGet();
        return;
      }
      commit(batch).onComplete(v -> {
        inFlight.decrementAndGet();
        flush();
      });
    }
  }

  private Future<Void> commit(List<Pending> batch) {
    // Room order, stable within a room: one sender's chats keep their order, and locks are taken in one order.
    batch.sort(Comparator.comparing(Pending::room));
    List<Tuple> tuples = batch.stream().map(Pending::tuple).toList();
    Future<RowSet<Row>> committed = pool.withTransaction(connection -> connection.preparedQuery(APPEND).executeBatch(tuples));
    // Each append is answered by the transaction's outcome, however late: a commit that comes after its
    // clients stopped waiting is still stored, and still published (RoomHistory#append).
    committed.onComplete(result -> answer(batch, result));
    // The next batch need not wait longer than this for its connection: one that hangs still holds its own
    // (the pool has room for it), and its rooms' rows stay locked, so seqs keep their order.
    return committed.timeout(CALL_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS).andThen(this::observe)
      .transform(result -> Future.succeededFuture());
  }

  private static void answer(List<Pending> batch, AsyncResult<RowSet<Row>> result) {
    if (result.failed()) {
      batch.forEach(pending -> pending.fail(result.cause()));
      return;
    }
    RowSet<Row> rows = result.result();
    for (Pending pending : batch) {
      Row row = rows.iterator().next();
      boolean duplicate = row.getBoolean("a_duplicate");
      pending.complete(new Appended(new HistoryEntry(row.getLong("a_seq"), row.getLong("a_ts"),
        row.getString("a_sender"), row.getString("a_message"), pending.id()), row.getString("a_epoch"), duplicate));
      rows = rows.next();
    }
  }

  @Override
  public Future<Page> read(String room, long since, long upTo, int limit) {
    Context context = vertx.getOrCreateContext();
    Future<Page> read = pool.preparedQuery(READ).execute(Tuple.of(room, since, upTo, limit))
      .timeout(CALL_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
      .andThen(this::observe)
      .compose(rows -> {
        if (rows.size() == 0) {
          return Future.succeededFuture(new Page(unbornEpoch(room), List.of()));
        }
        String epoch = null;
        List<HistoryEntry> entries = new ArrayList<>();
        for (Row row : rows) {
          epoch = row.getString("epoch");
          if (row.getLong("seq") != null) {
            String key = row.getString("msg_key");
            entries.add(new HistoryEntry(row.getLong("seq"), row.getLong("ts"), row.getString("sender"),
              row.getString("message"), key == null ? null : MessageKeys.idOf(key)));
          }
        }
        return Future.succeededFuture(new Page(epoch, entries));
      });
    return onContext(read, context);
  }

  @Override
  public Future<Position> position(String room) {
    Context context = vertx.getOrCreateContext();
    Future<Position> position = pool.preparedQuery(POSITION).execute(Tuple.of(room))
      .timeout(CALL_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
      .andThen(this::observe)
      .map(rows -> {
        if (rows.size() == 0) {
          return new Position(unbornEpoch(room), 0);
        }
        Row row = rows.iterator().next();
        return new Position(row.getString("epoch"), row.getLong("last_seq"));
      });
    return onContext(position, context);
  }

  /** The epoch of a room without a row: its first message's row takes it. */
  private String unbornEpoch(String room) {
    return Epochs.of(generation, room, 0);
  }

  private static <T> Future<T> onContext(Future<T> result, Context context) {
    Promise<T> done = Promise.promise();
    result.onComplete(outcome -> context.runOnContext(v -> done.handle(outcome)));
    return done.future();
  }

  @Override
  public boolean reachable() {
    return reachable;
  }

  @Override
  public String store() {
    return "postgres";
  }

  /**
   * Notes whether PostgreSQL answered; while it does not, probes it once a second until it does. An error
   * PostgreSQL itself reports (a constraint, a bad value) is an answer: only lost connections (SQLSTATE
   * class 08, a server shutting down, 57P) and timeouts make it unreachable.
   */
  private void observe(AsyncResult<?> outcome) {
    if (outcome.failed() && outcome.cause() instanceof PgException answered && !lostConnection(answered.getSqlState())) {
      return;
    }
    if (outcome.succeeded()) {
      if (!reachable) {
        reachable = true;
        LOG.info("PostgreSQL at {} answers again", where);
      }
      return;
    }
    if (reachable) {
      reachable = false;
      LOG.warn("PostgreSQL at {} does not answer: {}; chats are refused until it does", where,
        outcome.cause().getMessage());
      probe();
    }
  }

  private static boolean lostConnection(String sqlState) {
    return sqlState != null && (sqlState.startsWith("08") || sqlState.startsWith("57P"));
  }

  private synchronized void probe() {
    if (probeTimer >= 0) {
      return;
    }
    probeTimer = vertx.setPeriodic(PROBE_MILLIS, id -> pool.query("SELECT 1").execute()
      .timeout(PROBE_MILLIS, TimeUnit.MILLISECONDS)
      .onSuccess(ok -> {
        synchronized (this) {
          vertx.cancelTimer(probeTimer);
          probeTimer = -1;
        }
        observe(Future.succeededFuture());
      }));
  }

  private void startExpiry(int retentionDays) {
    if (retentionDays <= 0) {
      return;
    }
    long retentionMillis = TimeUnit.DAYS.toMillis(retentionDays);
    expire(retentionMillis);
    expiryTimer = vertx.setPeriodic(TimeUnit.HOURS.toMillis(1), id -> expire(retentionMillis));
  }

  private void expire(long retentionMillis) {
    pool.preparedQuery(EXPIRE).execute(Tuple.of(System.currentTimeMillis() - retentionMillis))
      .onSuccess(rows -> {
        if (rows.rowCount() > 0) {
          LOG.info("Deleted {} message(s) older than history.retentionDays", rows.rowCount());
        }
      })
      .onFailure(failure -> LOG.warn("Cannot delete expired messages: {}", failure.getMessage()));
  }

  @Override
  public Future<Void> close() {
    if (expiryTimer >= 0) {
      vertx.cancelTimer(expiryTimer);
    }
    synchronized (this) {
      if (probeTimer >= 0) {
        vertx.cancelTimer(probeTimer);
      }
    }
    return pool.close();
  }
}
