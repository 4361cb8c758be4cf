package dev.chorus.history;

import com.hazelcast.map.IMap;
import com.hazelcast.query.Predicate;
import dev.chorus.hazelcast.HazelcastCalls;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Forgets the rooms of the memory store that have no members and stored no message for the idle time
 * (history.idleRoomSeconds), so that room names used once do not hold cluster memory for good. Every node
 * sweeps the rooms whose partitions it owns ({@code localKeySet}): together they cover the cluster, and when a
 * node dies its partitions, with their rooms, pass to the nodes that sweep them next. A room is forgotten only
 * if the cluster's presence has no member in it and, checked again on its owner at the moment of removal,
 * nothing was stored in it since the cutoff. A member that joins between those two checks holds the old
 * epoch; the room's next message starts a new one, and the member gets the history reset like any other.
 * <p>Sweeps run every quarter of the idle time (at least every minute, at most every 250 ms), one at a time,
 * each forgetting at most {@value #MAX_ROOMS_PER_SWEEP} rooms.
 * Sweeps are confined to the Vert.x context that starts them; {@link #stop} may be called from any thread.
 */
final class IdleRooms {

  private static final long MIN_PERIOD_MILLIS = 250;
  private static final long MAX_PERIOD_MILLIS = 60_000;
  /** The most rooms one sweep forgets (one presence read each); the next sweep takes the rest. */
  private static final int MAX_ROOMS_PER_SWEEP = 10_000;
  private static final Logger LOG = LoggerFactory.getLogger(IdleRooms.class);

  /** Rooms whose last message was stored before a cutoff (the storing node's clock). */
  private record StoredBefore(long cutoff) implements Predicate<String, RoomLog> {
    @Override
    public boolean apply(Map.Entry<String, RoomLog> entry) {
      return entry.getValue().storedAt() < cutoff;
    }
  }

  private final Vertx vertx;
  private final IMap<String, RoomLog> streams;
  private final long idleMillis;
  private final Function<Set<String>, Future<Set<String>>> occupied;
  private Context context;
  private volatile long timer = -1;
  private boolean sweeping;

  /** {@code occupied} answers which of the rooms it is given have members, cluster-wide. */
  IdleRooms(Vertx vertx, IMap<String, RoomLog> streams, long idleMillis,
            Function<Set<String>, Future<Set<String>>> occupied) {
    this.vertx = vertx;
    this.streams = streams;
    this.idleMillis = idleMillis;
    this.occupied = occupied;
  }

  void start() {
    context = vertx.getOrCreateContext();
    long period = Math.max(MIN_PERIOD_MILLIS, Math.min(MAX_PERIOD_MILLIS, idleMillis / 4));
    timer = vertx.setPeriodic(period, id -> sweep());
  }

  void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  private void sweep() {
    if (sweeping) {
      return;
    }
    sweeping = true;
    long cutoff = System.currentTimeMillis() - idleMillis;
    vertx.executeBlocking(() -> streams.localKeySet(new StoredBefore(cutoff)).stream().limit(MAX_ROOMS_PER_SWEEP)
        .collect(Collectors.toCollection(HashSet::new)), false)
      .compose(idle -> idle.isEmpty() ? Future.succeededFuture(Map.<String, Boolean>of())
        : occupied.apply(Set.copyOf(idle)).compose(members -> {
          idle.removeAll(members);
          return idle.isEmpty() ? Future.succeededFuture(Map.<String, Boolean>of())
            : HazelcastCalls.onContext(streams.submitToKeys(idle, new StreamOps.Forget(cutoff)), context);
        }))
      .onComplete(forgotten -> {
        sweeping = false;
        if (forgotten.failed() && timer >= 0) {
          // At most one line per sweep, and sweeps are at least 250 ms apart: this is a cluster in trouble.
          LOG.warn("Cannot forget idle rooms (history.idleRoomSeconds): {}", forgotten.cause().getMessage());
        } else if (LOG.isDebugEnabled()) {
          LOG.debug("Forgot {} idle room(s)", forgotten.result().values().stream().filter(Boolean::booleanValue).count());
        }
      });
  }
}
