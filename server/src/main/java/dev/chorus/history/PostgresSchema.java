package dev.chorus.history;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;

import java.util.List;

/**
 * Chorus's tables in PostgreSQL, created and migrated at start: {@code chorus_schema} holds the version, and
 * each migration after it runs in one transaction under an advisory lock, so nodes that start together
 * migrate once. A database of a newer version than this node knows is refused.
 * <ul>
 *   <li>{@code chorus_rooms}: a room's epoch (chosen once, when its first message is stored) and newest seq;
 *       a room without a message has no row;</li>
 *   <li>{@code chorus_messages}: every retained message by (room, seq), with its key ({@code msg_key}: the
 *       client's id and the sender, {@link MessageKeys}; unique per room where given) and ts (for the
 *       retention);</li>
 *   <li>{@code chorus_append(room, id, sender, message, ts, epoch)}: stores a message once (see
 *       {@link PostgresRoomHistory});</li>
 *   <li>{@code chorus_generation}: one random value, drawn when the schema is created, from which the epochs
 *       of rooms without a row derive (so a new database never gives a room an epoch an old one gave it).
 *       Version 2 added it and dropped the rows version 1 created for rooms that were only joined or read.</li>
 * </ul>
 */
final class PostgresSchema {

  /** The version this node's migrations reach. */
  static final int VERSION = 2;
  /** The advisory lock key under which migrations run: any constant unique to Chorus. */
  private static final long LOCK = 1_764_001L;

  private static final List<String> VERSION_1 = List.of(
    """
    CREATE TABLE chorus_rooms (
      room text PRIMARY KEY,
      epoch text NOT NULL,
      last_seq bigint NOT NULL)""",
    """
    CREATE TABLE chorus_messages (
      room text NOT NULL,
      seq bigint NOT NULL,
      msg_key text,
      ts bigint NOT NULL,
      sender text NOT NULL,
      message text NOT NULL,
      PRIMARY KEY (room, seq))""",
    "CREATE UNIQUE INDEX chorus_messages_key ON chorus_messages (room, msg_key) WHERE msg_key IS NOT NULL",
    "CREATE INDEX chorus_messages_ts ON chorus_messages USING brin (ts)",
    """
    CREATE FUNCTION chorus_append(p_room text, p_key text, p_sender text, p_message text, p_ts bigint, p_epoch text)
    RETURNS TABLE (a_seq bigint, a_ts bigint, a_epoch text, a_duplicate boolean, a_sender text, a_message text)
    LANGUAGE plpgsql AS $$
    DECLARE
      v_epoch text;
      v_seq bigint;
    BEGIN
      INSERT INTO chorus_rooms (room, epoch, last_seq) VALUES (p_room, p_epoch, 0) ON CONFLICT (room) DO NOTHING;
      -- The room's lock: from here to the commit, this transaction alone sequences the room.
      SELECT r.epoch INTO v_epoch FROM chorus_rooms r WHERE r.room = p_room FOR UPDATE;
      IF p_key IS NOT NULL THEN
        RETURN QUERY SELECT m.seq, m.ts, v_epoch, true, m.sender, m.message
          FROM chorus_messages m WHERE m.room = p_room AND m.msg_key = p_key;
        IF FOUND THEN
          RETURN;
        END IF;
      END IF;
      UPDATE chorus_rooms r SET last_seq = r.last_seq + 1 WHERE r.room = p_room RETURNING r.last_seq INTO v_seq;
      INSERT INTO chorus_messages (room, seq, msg_key, ts, sender, message)
        VALUES (p_room, v_seq, p_key, p_ts, p_sender, p_message);
      RETURN QUERY SELECT v_seq, p_ts, v_epoch, false, p_sender, p_message;
    END $$""");

  private static final List<String> VERSION_2 = List.of(
    "CREATE TABLE chorus_generation (generation text NOT NULL)",
    "INSERT INTO chorus_generation (generation) VALUES (substr(md5(random()::text || clock_timestamp()::text), 1, 16))",
    "DELETE FROM chorus_rooms WHERE last_seq = 0");

  private PostgresSchema() {
  }

  /** Brings the database's schema to {@link #VERSION}. */
  static Future<Void> migrate(Pool pool) {
    return pool.withTransaction(connection -> connection.query("SELECT pg_advisory_xact_lock(" + LOCK + ")").execute()
      .compose(v -> connection.query("CREATE TABLE IF NOT EXISTS chorus_schema (version integer NOT NULL)").execute())
      .compose(v -> connection.query("SELECT max(version) AS version FROM chorus_schema").execute())
      .compose(rows -> {
        Integer found = rows.iterator().next().getInteger("version");
        int current = found == null ? 0 : found;
        if (current > VERSION) {
          return Future.failedFuture("the database's Chorus schema is version " + current
            + ", newer than this node's " + VERSION);
        }
        Future<Void> done = Future.succeededFuture();
        if (current < 1) {
          done = run(connection, VERSION_1);
        }
        if (current < 2) {
          done = done.compose(v -> run(connection, VERSION_2));
        }
        return current == VERSION ? done : done.compose(v -> connection.query("DELETE FROM chorus_schema").execute())
          .compose(v -> connection.query("INSERT INTO chorus_schema (version) VALUES (" + VERSION + ")").execute())
          .mapEmpty();
      }));
  }

  private static Future<Void> run(SqlConnection connection, List<String> statements) {
    Future<Void> done = Future.succeededFuture();
    for (String statement : statements) {
      done = done.compose(v -> connection.query(statement).execute().mapEmpty());
    }
    return done;
  }
}
