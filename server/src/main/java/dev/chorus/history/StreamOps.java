package dev.chorus.history;

import com.hazelcast.core.ReadOnly;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The operations on a room's {@link RoomLog}, run by Hazelcast on the partition that owns the room (one at a
 * time per partition, so each is atomic), and for changes then on its backup with the same arguments.
 */
final class StreamOps {

  private StreamOps() {
  }

  /**
   * Appends a message under {@code key} (or finds it stored already); {@code call} names this append, unique
   * to it (see {@link RoomLog#append}); creates the room's stream under {@code newEpoch} if absent;
   * {@code storedAt} is the calling node's clock, which tells how idle the room is.
   */
  static final class Append implements EntryProcessor<String, RoomLog, Answer>, IdentifiedDataSerializable {
    private String key;
    private String call;
    private String sender;
    private String message;
    private long ts;
    private int capacity;
    private String newEpoch;
    private long storedAt;

    Append() {
    }

    Append(String key, String call, String sender, String message, long ts, int capacity, String newEpoch,
           long storedAt) {
      this.key = key;
      this.call = call;
      this.sender = sender;
      this.message = message;
      this.ts = ts;
      this.capacity = capacity;
      this.newEpoch = newEpoch;
      this.storedAt = storedAt;
    }

    @Override
    public Answer process(Map.Entry<String, RoomLog> entry) {
      RoomLog log = entry.getValue();
      boolean created = log == null;
      if (created) {
        log = new RoomLog(newEpoch);
      }
      RoomHistory.Appended appended = log.append(key, call, sender, message, ts, capacity);
      if (created || !appended.duplicate()) {
        log.markStored(storedAt);
        entry.setValue(log);
      }
      // The caller knows what it appended: only a duplicate's original travels back (with its ts).
      return new Answer(appended.epoch(), appended.entry().seq(), appended.duplicate(),
        appended.duplicate() ? List.of(appended.entry()) : List.of(), appended.entry().ts());
    }

    @Override
    public int getFactoryId() {
      return HistorySerialization.FACTORY_ID;
    }

    @Override
    public int getClassId() {
      return HistorySerialization.APPEND;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
      out.writeString(key);
      out.writeString(call);
      out.writeString(sender);
      out.writeString(message);
      out.writeLong(ts);
      out.writeInt(capacity);
      out.writeString(newEpoch);
      out.writeLong(storedAt);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
      key = in.readString();
      call = in.readString();
      sender = in.readString();
      message = in.readString();
      ts = in.readLong();
      capacity = in.readInt();
      newEpoch = in.readString();
      storedAt = in.readLong();
    }
  }

  /**
   * Reads retained messages (with since = upTo, the room's position alone); changes nothing, creates nothing
   * (a room without a stream answers a null epoch), so it has no backup.
   */
  static final class Read implements EntryProcessor<String, RoomLog, Answer>, ReadOnly, IdentifiedDataSerializable {
    private long since;
    private long upTo;
    private int limit;

    Read() {
    }

    Read(long since, long upTo, int limit) {
      this.since = since;
      this.upTo = upTo;
      this.limit = limit;
    }

    @Override
    public Answer process(Map.Entry<String, RoomLog> entry) {
      RoomLog log = entry.getValue();
      if (log == null) {
        return new Answer(null, 0, false, List.of(), 0);
      }
      RoomHistory.Page page = log.read(since, upTo, limit);
      return new Answer(page.epoch(), log.lastSeq(), false, page.entries(), 0);
    }

    @Override
    public EntryProcessor<String, RoomLog, Answer> getBackupProcessor() {
      return null;
    }

    @Override
    public int getFactoryId() {
      return HistorySerialization.FACTORY_ID;
    }

    @Override
    public int getClassId() {
      return HistorySerialization.READ;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
      out.writeLong(since);
      out.writeLong(upTo);
      out.writeInt(limit);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
      since = in.readLong();
      upTo = in.readLong();
      limit = in.readInt();
    }
  }

  /**
   * Forgets the room's stream if nothing was stored in it since {@code cutoff} (the sweeping node's clock);
   * answers whether it did. Owner and backup decide alike: they hold the same log.
   */
  static final class Forget implements EntryProcessor<String, RoomLog, Boolean>, IdentifiedDataSerializable {
    private long cutoff;

    Forget() {
    }

    Forget(long cutoff) {
      this.cutoff = cutoff;
    }

    @Override
    public Boolean process(Map.Entry<String, RoomLog> entry) {
      RoomLog log = entry.getValue();
      if (log == null || log.storedAt() >= cutoff) {
        return false;
      }
      entry.setValue(null);
      return true;
    }

    @Override
    public int getFactoryId() {
      return HistorySerialization.FACTORY_ID;
    }

    @Override
    public int getClassId() {
      return HistorySerialization.FORGET;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
      out.writeLong(cutoff);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
      cutoff = in.readLong();
    }
  }

  /**
   * Names the room's stream anew, under {@code newEpoch}: for a stream created in a lost partition before this
   * node heard of the loss, whose epoch may be one the lost stream had.
   */
  static final class Rename implements EntryProcessor<String, RoomLog, Void>, IdentifiedDataSerializable {
    private String newEpoch;

    Rename() {
    }

    Rename(String newEpoch) {
      this.newEpoch = newEpoch;
    }

    @Override
    public Void process(Map.Entry<String, RoomLog> entry) {
      RoomLog log = entry.getValue();
      if (log != null) {
        log.renameEpoch(newEpoch);
        entry.setValue(log);
      }
      return null;
    }

    @Override
    public int getFactoryId() {
      return HistorySerialization.FACTORY_ID;
    }

    @Override
    public int getClassId() {
      return HistorySerialization.RENAME;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
      out.writeString(newEpoch);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
      newEpoch = in.readString();
    }
  }

  /** What an operation answers: the epoch (null: the room has no stream), a seq and its ts, and entries. */
  static final class Answer implements IdentifiedDataSerializable {
    private String epoch;
    private long seq;
    private boolean duplicate;
    private List<HistoryEntry> entries;
    private long ts;

    Answer() {
    }

    Answer(String epoch, long seq, boolean duplicate, List<HistoryEntry> entries, long ts) {
      this.epoch = epoch;
      this.seq = seq;
      this.duplicate = duplicate;
      this.entries = entries;
      this.ts = ts;
    }

    /** The same answer in another epoch. */
    Answer withEpoch(String newEpoch) {
      return new Answer(newEpoch, seq, duplicate, entries, ts);
    }

    /** An append's ts: the original's for a duplicate. */
    long ts() {
      return ts;
    }

    String epoch() {
      return epoch;
    }

    /** The appended (or found) message's seq, or the room's newest seq. */
    long seq() {
      return seq;
    }

    boolean duplicate() {
      return duplicate;
    }

    List<HistoryEntry> entries() {
      return entries;
    }

    @Override
    public int getFactoryId() {
      return HistorySerialization.FACTORY_ID;
    }

    @Override
    public int getClassId() {
      return HistorySerialization.ANSWER;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
      out.writeString(epoch);
      out.writeLong(seq);
      out.writeBoolean(duplicate);
      out.writeLong(ts);
      out.writeInt(entries.size());
      for (HistoryEntry entry : entries) {
        out.writeLong(entry.seq());
        out.writeLong(entry.ts());
        out.writeString(entry.sender());
        out.writeString(entry.message());
        out.writeString(entry.id());
      }
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
      epoch = in.readString();
      seq = in.readLong();
      duplicate = in.readBoolean();
      ts = in.readLong();
      int count = in.readInt();
      entries = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        entries.add(new HistoryEntry(in.readLong(), in.readLong(), in.readString(), in.readString(), in.readString()));
      }
    }
  }
}
