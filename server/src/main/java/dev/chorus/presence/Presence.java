package dev.chorus.presence;

import io.vertx.core.Future;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who is in which room, cluster-wide. A member is a connection's name in a room, as an opaque string: the
 * chat layer's {@code Sender#stored} (the name, and with JWT on the user), so two users sharing a name are
 * two members; a member connected twice counts once.
 * <p>Contract: an {@link #add} or {@link #remove} is visible to every node's reads once its future
 * completes. A node that dies or is cut off has its members forgotten once the cluster removes it: at once
 * for a process that exits (closed connection), after the failure-detection timeout
 * ({@code hazelcast.max.no.heartbeat.seconds}, 10 s in cluster.xml) for a frozen or unreachable one, plus
 * the clean-up's own round trip. A frozen or cut-off node that comes back keeps its connections and puts
 * their members back once it has merged into the cluster again. Presence lives in cluster memory,
 * replicated once.
 */
public interface Presence {

  /** A new connection id, unique in the cluster and tied to this node so that its death forgets it. */
  String newConnectionId();

  /**
   * Records that {@code connection} is in the room under {@code name}, with {@code meta} (a JSON object's
   * encoding, null for none) as its join gave it. Completes with true when the room had no member before.
   */
  Future<Boolean> add(String room, String connection, String name, String meta);

  /**
   * Forgets {@code connection} in the room. Completes with true when that left the room without members,
   * false when others remain, and null when the connection was not there (already forgotten).
   */
  Future<Boolean> remove(String room, String connection);

  /**
   * Hears of the members a departed node's death removed, on the one node that removed them: per room, the
   * names of the removed connections and whether the room is left without members.
   */
  void onNodeDeparted(DepartureListener listener);

  /** See {@link #onNodeDeparted}. */
  interface DepartureListener {
    void departed(String room, List<String> names, boolean roomEmpty);
  }

  /**
   * Hears of the members reported departed that are present after all, once this node has merged back into
   * the cluster after a split: its own connections, which the other side had forgotten and it has put back,
   * and the other side's members, which its own side had taken for departed. Per member: its room, its name,
   * and whether the room was reported without members.
   */
  void onRestored(RestoreListener listener);

  /** See {@link #onRestored}. */
  interface RestoreListener {
    void restored(String room, String name, boolean roomWasVacated);
  }

  /** The room's member names, sorted, without duplicates. */
  Future<List<String>> members(String room);

  /** The room's members by name, sorted: each name's connections and the meta of its latest join. */
  Future<List<MemberDetails>> details(String room);

  /**
   * One name in a room.
   *
   * @param meta the JSON object its latest join carried, encoded; null when that join had none
   */
  record MemberDetails(String name, int connections, String meta) {
  }

  /** Every room with members, by name, with its member count. */
  Future<Map<String, Integer>> rooms();

  /** Those of {@code rooms} that have members. */
  default Future<Set<String>> occupied(Collection<String> rooms) {
    List<String> asked = List.copyOf(rooms);
    List<Future<List<String>>> members = asked.stream().map(this::members).toList();
    return Future.all(members).map(all -> {
      Set<String> occupied = new HashSet<>();
      for (int i = 0; i < asked.size(); i++) {
        if (!members.get(i).result().isEmpty()) {
          occupied.add(asked.get(i));
        }
      }
      return occupied;
    });
  }
}
