package dev.chorus.presence;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.config.Config;
import com.hazelcast.config.MapConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import dev.chorus.hazelcast.HazelcastCalls;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link Presence} in the Hazelcast map {@code chorus.presence} (one backup): room → (connection → its name,
 * join time and meta),
 * changed by entry processors on the room's owner, so concurrent joins never overwrite each other.
 * A connection id starts with its node's Vert.x node id (a member attribute, which stays when a merge gives
 * the member a new Hazelcast UUID); when a member leaves the cluster, the oldest remaining member removes
 * that node's connections from every room.
 * <p>Each node also keeps its own connections' entries. When it merges back into the cluster after a split
 * (frozen or cut off past the heartbeat timeout), the other side has forgotten them, and the merge keeps the
 * larger side's rooms: the node then puts its entries back. While split off, its side took the other side's
 * members for departed; after the merge it reports those still present as back. Both go to
 * {@link #onRestored}.
 */
public final class HazelcastPresence implements Presence {

  /** The presence map's name. */
  public static final String MAP = "chorus.presence";
  /**
   * Between the fields of an entry: name (a member as {@link Presence} defines it), join time in epoch micros,
   * meta. Members hold no U+0000 (names and users hold no control characters).
   */
  private static final String SEPARATOR = "\u0000";
  private static final Logger LOG = LoggerFactory.getLogger(HazelcastPresence.class);
  /** The member attribute where vertx-hazelcast keeps the Vert.x node id (as cluster.MemberDirectory reads it). */
  private static final String NODE_ID_ATTRIBUTE = "__vertx.nodeId";
  /**
   * How long this node remembers the departures it reported: a split off side reports the other side's
   * members as departed, and checks after merging back (within this time) which of them are still there.
   */
  static final long REPORTED_KEEP_MILLIS = 10 * 60_000;
  /** At most this many reported departures (rooms) are remembered; the oldest go first. */
  static final int REPORTED_MAX = 10_000;

  private final Vertx vertx;
  private final HazelcastInstance hazelcast;
  private final IMap<String, HashMap<String, String>> rooms;
  private volatile DepartureListener departureListener = (room, names, roomEmpty) -> { };
  private volatile RestoreListener restoreListener = (room, name, roomWasVacated) -> { };
  /** This node's entries, as last added: what a merge puts back. */
  private final ConcurrentHashMap<Membership, String> local = new ConcurrentHashMap<>();
  /** The departures this node reported, oldest first, for {@link #REPORTED_KEEP_MILLIS}; guarded by itself. */
  private final ArrayDeque<Reported> reported = new ArrayDeque<>();
  /** Numbers this node's connections: with the Vert.x node id (new at every start), unique in the cluster. */
  private final AtomicLong connections = new AtomicLong();
  private final String idPrefix;

  public HazelcastPresence(Vertx vertx, HazelcastInstance hazelcast) {
    this.vertx = vertx;
    this.hazelcast = hazelcast;
    this.rooms = hazelcast.getMap(MAP);
    this.idPrefix = nodeIdOf(hazelcast.getCluster().getLocalMember()) + "/";
    hazelcast.getLifecycleService().addLifecycleListener(event -> {
      if (event.getState() == LifecycleEvent.LifecycleState.MERGED) {
        merged();
      }
    });
    hazelcast.getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        forgetNode(event.getMember());
      }
    });
  }

  /** Adds the presence map's configuration: one synchronous backup. */
  public static Config configure(Config config) {
    return config.addMapConfig(new MapConfig(MAP).setBackupCount(1));
  }

  @Override
  public String newConnectionId() {
    // Short: every connection keeps its id while it is open (a second UUID cost 48 bytes of each).
    return idPrefix + Long.toString(connections.incrementAndGet(), Character.MAX_RADIX);
  }

  @Override
  public Future<Boolean> add(String room, String connection, String name, String meta) {
    Instant now = Instant.now();
    long joinedAtMicros = now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    String entry = name + SEPARATOR + joinedAtMicros + SEPARATOR + (meta == null ? "" : meta);
    local.put(new Membership(room, connection), entry);
    return HazelcastCalls.<Object>onContext(rooms.submitToKey(room, new Put(connection, entry)), vertx.getOrCreateContext())
      .map(Boolean.TRUE::equals);
  }

  @Override
  public Future<Boolean> remove(String room, String connection) {
    local.remove(new Membership(room, connection));
    return HazelcastCalls.<Object>onContext(rooms.submitToKey(room, new Remove(connection)), vertx.getOrCreateContext())
      .map(removed -> (Boolean) removed);
  }

  @Override
  public void onNodeDeparted(DepartureListener listener) {
    departureListener = listener;
  }

  @Override
  public void onRestored(RestoreListener listener) {
    restoreListener = listener;
  }

  @Override
  public Future<List<String>> members(String room) {
    return HazelcastCalls.onContext(rooms.getAsync(room), vertx.getOrCreateContext())
      .map(connections -> connections == null ? List.of() : List.copyOf(names(connections)));
  }

  @Override
  public Future<List<MemberDetails>> details(String room) {
    return HazelcastCalls.onContext(rooms.getAsync(room), vertx.getOrCreateContext()).map(connections -> {
      if (connections == null) {
        return List.of();
      }
      // Per name: its connections, and the entry of its latest join (the greatest join time).
      Map<String, int[]> counts = new TreeMap<>();
      Map<String, String[]> latest = new HashMap<>();
      for (String entry : connections.values()) {
        String[] fields = fields(entry);
        counts.computeIfAbsent(fields[0], name -> new int[1])[0]++;
        latest.merge(fields[0], fields, (a, b) -> joinedAt(a) >= joinedAt(b) ? a : b);
      }
      List<MemberDetails> members = new ArrayList<>();
      counts.forEach((name, count) -> {
        String meta = latest.get(name)[2];
        members.add(new MemberDetails(name, count[0], meta.isEmpty() ? null : meta));
      });
      return members;
    });
  }

  /** The names of a room's entries (name, join time, meta), sorted, once each. */
  private static TreeSet<String> names(Map<String, String> connections) {
    TreeSet<String> names = new TreeSet<>();
    for (String entry : connections.values()) {
      names.add(nameOf(entry));
    }
    return names;
  }

  /** An entry's name, join time and meta; an entry without them (a bare name) has time 0 and no meta. */
  private static String[] fields(String entry) {
    String[] fields = entry.split(SEPARATOR, 3);
    return fields.length == 3 ? fields : new String[] {fields[0], "0", ""};
  }

  private static long joinedAt(String[] fields) {
    try {
      return Long.parseLong(fields[1]);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static String nameOf(String entry) {
    int end = entry.indexOf(SEPARATOR);
    return end < 0 ? entry : entry.substring(0, end);
  }

  @Override
  public Future<Map<String, Integer>> rooms() {
    // Walks the whole map: an operator's call, not a hot path.
    return vertx.executeBlocking(() -> {
      Map<String, Integer> counts = new TreeMap<>();
      for (Map.Entry<String, HashMap<String, String>> room : rooms.entrySet()) {
        counts.put(room.getKey(), names(room.getValue()).size());
      }
      return counts;
    }, false);
  }

  /** The Vert.x node id of a member (its Hazelcast UUID if it has none). */
  private static String nodeIdOf(Member member) {
    String nodeId = member.getAttribute(NODE_ID_ATTRIBUTE);
    return nodeId != null ? nodeId : member.getUuid().toString();
  }

  /**
   * After a merge: puts this node's entries back, and reports again the members it reported departed
   * recently that are still present (while split off it took the other side for dead).
   */
  private void merged() {
    Context context = vertx.getOrCreateContext();
    restore(context);
    long since = System.currentTimeMillis() - REPORTED_KEEP_MILLIS;
    List<Reported> recent;
    synchronized (reported) {
      recent = reported.stream().filter(departure -> departure.at() >= since).toList();
      reported.clear();
    }
    for (Reported departure : recent) {
      HazelcastCalls.onContext(rooms.getAsync(departure.room()), context).onSuccess(connections -> {
        if (connections == null) {
          return;
        }
        TreeSet<String> present = names(connections);
        boolean vacated = departure.roomEmpty();
        for (String name : new TreeSet<>(departure.names())) {
          if (present.contains(name)) {
            restoreListener.restored(departure.room(), name, vacated);
            vacated = false;
          }
        }
      });
    }
  }

  /**
   * Puts this node's entries back. An entry whose connection left while it was being put back is removed
   * again (the leave's own removal may have come first).
   */
  private void restore(Context context) {
    List<Map.Entry<Membership, String>> entries = List.copyOf(local.entrySet());
    LOG.info("Merged back into the cluster: restoring {} room membership(s) of this node's connections to presence",
      entries.size());
    for (Map.Entry<Membership, String> entry : entries) {
      Membership membership = entry.getKey();
      HazelcastCalls.<Object>onContext(rooms.submitToKey(membership.room(),
          new Restore(membership.connection(), entry.getValue())), context)
        .onSuccess(restored -> {
          if (!local.containsKey(membership)) {
            remove(membership.room(), membership.connection());
          } else if (restored != null) {
            restoreListener.restored(membership.room(), nameOf(entry.getValue()), (Boolean) restored);
          }
        })
        .onFailure(failure -> LOG.warn("Could not restore a member of room {} after the merge: {}", membership.room(),
          failure.getMessage()));
    }
  }

  private void forgetNode(Member departed) {
    if (!hazelcast.getLifecycleService().isRunning()) {
      return;
    }
    Member oldest = hazelcast.getCluster().getMembers().iterator().next();
    if (!oldest.localMember()) {
      return;
    }
    String prefix = nodeIdOf(departed) + "/";
    vertx.executeBlocking(() -> rooms.executeOnEntries(new RemoveNode(prefix)), false)
      .onSuccess(removed -> removed.forEach((room, result) -> {
        if (result instanceof Departed gone && !gone.names().isEmpty()) {
          remember(new Reported(room, gone.names(), gone.roomEmpty(), System.currentTimeMillis()));
          departureListener.departed(room, gone.names(), gone.roomEmpty());
        }
      }))
      .onFailure(failure -> LOG.warn("Could not forget the members of departed node {}: {}",
        nodeIdOf(departed), failure.getMessage()));
  }

  private void remember(Reported departure) {
    synchronized (reported) {
      while (!reported.isEmpty() && (reported.size() >= REPORTED_MAX
        || reported.peekFirst().at() < departure.at() - REPORTED_KEEP_MILLIS)) {
        reported.pollFirst();
      }
      reported.addLast(departure);
    }
  }

  /** Departed members this node reported in one room, and when. */
  private record Reported(String room, List<String> names, boolean roomEmpty, long at) {
  }

  /** One connection in one room. */
  private record Membership(String room, String connection) {
  }

  /** Adds one connection to a room. */
  private record Put(String connection, String name) implements EntryProcessor<String, HashMap<String, String>, Object> {
    @Override
    public Object process(Map.Entry<String, HashMap<String, String>> entry) {
      HashMap<String, String> connections = entry.getValue() == null ? new HashMap<>() : entry.getValue();
      boolean first = connections.isEmpty();
      connections.put(connection, name);
      entry.setValue(connections);
      return first;
    }
  }

  /**
   * Puts one connection back into a room unless it is there: answers null when it was, else whether the room
   * had no member before.
   */
  private record Restore(String connection, String name) implements EntryProcessor<String, HashMap<String, String>, Object> {
    @Override
    public Object process(Map.Entry<String, HashMap<String, String>> entry) {
      HashMap<String, String> connections = entry.getValue() == null ? new HashMap<>() : entry.getValue();
      if (connections.containsKey(connection)) {
        return null;
      }
      boolean first = connections.isEmpty();
      connections.put(connection, name);
      entry.setValue(connections);
      return first;
    }
  }

  /** Removes one connection from a room; an empty room disappears. */
  private record Remove(String connection) implements EntryProcessor<String, HashMap<String, String>, Object> {
    @Override
    public Object process(Map.Entry<String, HashMap<String, String>> entry) {
      HashMap<String, String> connections = entry.getValue();
      if (connections != null && connections.remove(connection) != null) {
        entry.setValue(connections.isEmpty() ? null : connections);
        return connections.isEmpty();
      }
      return null;
    }
  }

  /** What {@link RemoveNode} removed from one room. */
  private record Departed(ArrayList<String> names, boolean roomEmpty) implements java.io.Serializable {
  }

  /** Removes every connection of one node from a room. */
  private record RemoveNode(String prefix) implements EntryProcessor<String, HashMap<String, String>, Object> {
    @Override
    public Object process(Map.Entry<String, HashMap<String, String>> entry) {
      HashMap<String, String> connections = entry.getValue();
      ArrayList<String> names = new ArrayList<>();
      if (connections != null) {
        connections.entrySet().removeIf(member -> {
          if (member.getKey().startsWith(prefix)) {
            names.add(nameOf(member.getValue()));
            return true;
          }
          return false;
        });
        if (!names.isEmpty()) {
          entry.setValue(connections.isEmpty() ? null : connections);
        }
      }
      return names.isEmpty() ? null : new Departed(names, connections.isEmpty());
    }
  }
}
