package dev.chorus.history;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One room's stream in cluster memory: its epoch, its newest seq, the newest messages (at most the room's
 * history size), and the keys of the messages it stored, so that a message stored once is never stored again.
 * <p>Each message is stored under a key: the client's {@code id} with its sender ({@link MessageKeys}), or
 * for a chat without one a key its node made up ({@link #isClientId} tells them apart), which makes a retried append (the owner died before it
 * answered) find the message it already stored instead of storing it twice. A client's id is remembered
 * while its message is retained and for at least {@link #ID_RETENTION_MILLIS}; a made-up key only while its
 * message is retained.
 * <p>Changes are deterministic in their arguments (the epoch of a new stream and every timestamp come from
 * the caller), so the owner and its backup, each applying the same append, hold the same log. Mutable and
 * not thread-safe: Hazelcast applies one operation at a time per partition.
 */
public final class RoomLog implements IdentifiedDataSerializable {

  /** The ring's first size. */
  private static final int MIN_RING = 4;
  /** How long a client's id is remembered at least, even after its message is no longer retained. */
  public static final long ID_RETENTION_MILLIS = 10 * 60_000L;

  /**
   * Where a stored key's message is: its seq, its timestamp (for forgetting the key), and the call that
   * stored it (so a retry of that same call is told apart from a client sending the chat again).
   */
  private record Mark(long seq, long ts, String call) {
  }

  /** A retained message and the key it was stored under. */
  private record Stored(String key, HistoryEntry entry) {
  }

  private String epoch;
  private long lastSeq;
  /** When a message was last stored here, by the storing node's clock (epoch millis): how idle the room is. */
  private long storedAt;
  /**
   * Retained messages, a circular buffer: {@code ring[(head + i) % ring.length]} is the i-th oldest. It grows
   * by doubling up to the capacity, so a room with a few messages holds a few slots, not history.size.
   */
  private Stored[] ring = new Stored[0];
  /** The most messages retained: the room's history size as its latest append gave it. */
  private int capacity;
  private int head;
  private int size;
  /** Keys of stored messages in the order stored (so also by seq), oldest first. */
  private LinkedHashMap<String, Mark> keys = new LinkedHashMap<>();

  /** For deserialization only. */
  public RoomLog() {
  }

  RoomLog(String epoch) {
    this.epoch = epoch;
  }

  /** Whether a message key is a client's id: made-up keys start with a space, which an id cannot contain. */
  public static boolean isClientId(String key) {
    return !key.isEmpty() && key.charAt(0) != ' ';
  }

  /** The client's id in a key ({@link MessageKeys}), or null for a made-up key. */
  static String clientIdOf(String key) {
    return isClientId(key) ? MessageKeys.idOf(key) : null;
  }

  public String epoch() {
    return epoch;
  }

  public long lastSeq() {
    return lastSeq;
  }

  /** When a message was last stored, by the clock of the node that stored it. */
  long storedAt() {
    return storedAt;
  }

  /** Names the stream anew: its seqs and messages stay, under {@code newEpoch}. */
  void renameEpoch(String newEpoch) {
    epoch = newEpoch;
  }

  /** Notes that a message was stored at {@code now}, the storing node's clock. */
  void markStored(long now) {
    storedAt = Math.max(storedAt, now);
  }

  /** The oldest retained seq; {@code lastSeq + 1} when none is retained. */
  long firstSeq() {
    return lastSeq - size + 1;
  }

  /**
   * Stores a message under {@code key} as the next seq, keeping at most {@code capacity} messages; or, when
   * the key is known, stores nothing and answers where its message is ({@code duplicate}: the entry then has
   * no sender and message if that message is no longer retained). {@code call} names this append: when
   * Hazelcast retries it on a new owner (which already holds it, from the backup), the answer is the stored
   * message as if stored now, not a duplicate, so that it is still published.
   */
  RoomHistory.Appended append(String key, String call, String sender, String message, long ts, int capacity) {
    Mark known = keys.get(key);
    if (known != null) {
      HistoryEntry retained = entry(known.seq());
      HistoryEntry original = retained != null ? retained
        : new HistoryEntry(known.seq(), known.ts(), null, null, clientIdOf(key));
      return new RoomHistory.Appended(original, epoch, !call.equals(known.call()) || retained == null);
    }
    HistoryEntry entry = new HistoryEntry(lastSeq + 1, ts, sender, message, clientIdOf(key));
    add(key, call, entry, capacity);
    forgetKeys(ts);
    return new RoomHistory.Appended(entry, epoch, false);
  }

  private void add(String key, String call, HistoryEntry entry, int capacity) {
    this.capacity = capacity;
    fit();
    if (size == ring.length) {
      ring[head] = null;
      head = (head + 1) % ring.length;
      size--;
    }
    ring[(head + size) % ring.length] = new Stored(key, entry);
    size++;
    lastSeq = entry.seq();
    keys.put(key, new Mark(entry.seq(), entry.ts(), call));
  }

  /**
   * Makes room for one more message: a full ring below the capacity doubles (up to it); a ring above the
   * capacity (history.size may change between runs) keeps its newest messages.
   */
  private void fit() {
    int length = ring.length > capacity ? capacity
      : size < ring.length ? ring.length : Math.min(capacity, Math.max(MIN_RING, ring.length * 2));
    if (length != ring.length) {
      resize(length);
    }
  }

  /** Keeps the newest {@code length} messages in a ring of that size. */
  private void resize(int length) {
    int keep = Math.min(size, length);
    Stored[] resized = new Stored[length];
    for (int i = 0; i < keep; i++) {
      resized[i] = ring[(head + size - keep + i) % ring.length];
    }
    ring = resized;
    head = 0;
    size = keep;
  }

  /**
   * Forgets, oldest first, the keys of messages no longer retained: made-up keys at once, client ids once
   * older than {@link #ID_RETENTION_MILLIS} before {@code now}. Stops at the first key it must keep, so a
   * key is never forgotten before an older one.
   */
  private void forgetKeys(long now) {
    long firstSeq = firstSeq();
    Iterator<Map.Entry<String, Mark>> it = keys.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<String, Mark> oldest = it.next();
      Mark mark = oldest.getValue();
      boolean retained = mark.seq() >= firstSeq;
      if (retained || (isClientId(oldest.getKey()) && now - mark.ts() < ID_RETENTION_MILLIS)) {
        return;
      }
      it.remove();
    }
  }

  /** The retained entry with this seq, or null. */
  private HistoryEntry entry(long seq) {
    if (seq < firstSeq() || seq > lastSeq) {
      return null;
    }
    return ring[(int) ((head + seq - firstSeq()) % ring.length)].entry();
  }

  /** The retained messages with since &lt; seq &lt;= upTo, oldest first, at most {@code limit}. */
  RoomHistory.Page read(long since, long upTo, int limit) {
    List<HistoryEntry> entries = new ArrayList<>();
    long from = Math.max(since + 1, firstSeq());
    for (long seq = from; seq <= Math.min(upTo, lastSeq) && entries.size() < limit; seq++) {
      entries.add(entry(seq));
    }
    return new RoomHistory.Page(epoch, entries);
  }

  /** How many messages the ring has room for now (for tests). */
  int slots() {
    return ring.length;
  }

  /** How many keys the log remembers (for tests). */
  int rememberedKeys() {
    return keys.size();
  }

  /**
   * The log after a network partition healed, from {@code existing} (this side's, the larger cluster's) and
   * {@code merging} (the other side's, which sequenced on its own meanwhile). An empty log gives way to the
   * other; if every retained message of one is in the other's stream ({@link #holds}) the other stands.
   * Otherwise they diverged, and no seq may name two messages within an epoch: the result is a new stream
   * under {@code newEpoch} with this side's messages at their seqs, followed by the other side's that this
   * side does not hold, in their order. So no retained message is lost or doubled, and clients learn of the
   * change by the epoch (docs/architecture.md). The other side's keys of messages it no longer retained are
   * dropped: their seqs count in an epoch that is gone.
   */
  static RoomLog merge(RoomLog existing, RoomLog merging, String newEpoch) {
    if (merging.lastSeq == 0) {
      return existing;
    }
    if (existing.lastSeq == 0) {
      return merging;
    }
    long newest = Math.max(existing.newestTs(), merging.newestTs());
    if (holdsAll(existing, merging, newest)) {
      return existing;
    }
    if (holdsAll(merging, existing, newest)) {
      return merging;
    }
    RoomLog merged = new RoomLog(newEpoch);
    merged.storedAt = Math.max(existing.storedAt, merging.storedAt);
    int capacity = Math.max(Math.max(existing.capacity, merging.capacity), 1);
    // This side's keys, retained or remembered, keep their seqs; its messages keep their places.
    merged.keys = new LinkedHashMap<>(existing.keys);
    merged.lastSeq = existing.firstSeq() - 1;
    for (int i = 0; i < existing.size; i++) {
      Stored stored = existing.stored(i);
      merged.add(stored.key(), existing.keys.get(stored.key()).call(), stored.entry(), capacity);
    }
    merged.lastSeq = existing.lastSeq;
    for (int i = 0; i < merging.size; i++) {
      Stored stored = merging.stored(i);
      if (!holds(existing, merging.epoch, stored, newest)) {
        HistoryEntry entry = stored.entry();
        merged.add(stored.key(), merging.keys.get(stored.key()).call(),
          new HistoryEntry(merged.lastSeq + 1, entry.ts(), entry.sender(), entry.message(), entry.id()), capacity);
      }
    }
    merged.forgetKeys(newest);
    return merged;
  }

  private static boolean holdsAll(RoomLog log, RoomLog other, long newest) {
    for (int i = 0; i < other.size; i++) {
      if (!holds(log, other.epoch, other.stored(i), newest)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether {@code log}'s stream holds a message that another log of epoch {@code epoch} retains: its key is
   * known here; or, in the same epoch, this log retains the same key at its seq; or its seq is older than
   * this log retains and nothing says otherwise (a made-up key is forgotten once its message is pushed out,
   * so a message from before the split cannot be told by it; a client id would still be remembered if it
   * were here and younger than {@link #ID_RETENTION_MILLIS}).
   */
  private static boolean holds(RoomLog log, String epoch, Stored message, long newest) {
    if (log.keys.containsKey(message.key())) {
      return true;
    }
    long seq = message.entry().seq();
    if (!log.epoch.equals(epoch) || seq > log.lastSeq) {
      return false;
    }
    if (seq >= log.firstSeq()) {
      return log.stored(seq - log.firstSeq()).key().equals(message.key());
    }
    return !(isClientId(message.key()) && newest - message.entry().ts() < ID_RETENTION_MILLIS);
  }

  private long newestTs() {
    long newest = 0;
    for (Mark mark : keys.values()) {
      newest = Math.max(newest, mark.ts());
    }
    return newest;
  }

  private Stored stored(long index) {
    return ring[(int) ((head + index) % ring.length)];
  }

  @Override
  public int getFactoryId() {
    return HistorySerialization.FACTORY_ID;
  }

  @Override
  public int getClassId() {
    return HistorySerialization.ROOM_LOG;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeString(epoch);
    out.writeLong(lastSeq);
    out.writeLong(storedAt);
    out.writeInt(ring.length);
    out.writeInt(capacity);
    out.writeInt(size);
    for (int i = 0; i < size; i++) {
      Stored stored = stored(i);
      HistoryEntry entry = stored.entry();
      out.writeString(stored.key());
      out.writeLong(entry.ts());
      out.writeString(entry.sender());
      out.writeString(entry.message());
    }
    out.writeInt(keys.size());
    for (Map.Entry<String, Mark> key : keys.entrySet()) {
      out.writeString(key.getKey());
      out.writeLong(key.getValue().seq());
      out.writeLong(key.getValue().ts());
      out.writeString(key.getValue().call());
    }
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    epoch = in.readString();
    lastSeq = in.readLong();
    storedAt = in.readLong();
    ring = new Stored[in.readInt()];
    capacity = in.readInt();
    head = 0;
    size = in.readInt();
    long first = lastSeq - size + 1;
    for (int i = 0; i < size; i++) {
      String key = in.readString();
      long ts = in.readLong();
      String sender = in.readString();
      String message = in.readString();
      ring[i] = new Stored(key, new HistoryEntry(first + i, ts, sender, message, clientIdOf(key)));
    }
    int count = in.readInt();
    keys = new LinkedHashMap<>(count * 2);
    for (int i = 0; i < count; i++) {
      keys.put(in.readString(), new Mark(in.readLong(), in.readLong(), in.readString()));
    }
  }
}
