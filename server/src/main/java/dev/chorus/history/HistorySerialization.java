package dev.chorus.history;

import com.hazelcast.nio.serialization.DataSerializableFactory;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;

/**
 * Hazelcast's factory for the room streams and the operations on them ({@link RoomLog}, {@link StreamOps}, {@link IdleRooms}):
 * registered on every node's configuration, since they travel between members (backups, migrations, calls).
 */
final class HistorySerialization implements DataSerializableFactory {

  /** Chorus's factory id; unique within the cluster's configuration. */
  static final int FACTORY_ID = 1_764_001;
  static final int ROOM_LOG = 1;
  static final int APPEND = 2;
  static final int READ = 3;
  static final int FORGET = 4;
  static final int ANSWER = 5;
  static final int RENAME = 6;

  @Override
  public IdentifiedDataSerializable create(int typeId) {
    return switch (typeId) {
      case ROOM_LOG -> new RoomLog();
      case APPEND -> new StreamOps.Append();
      case READ -> new StreamOps.Read();
      case FORGET -> new StreamOps.Forget();
      case ANSWER -> new StreamOps.Answer();
      case RENAME -> new StreamOps.Rename();
      default -> null;
    };
  }
}
