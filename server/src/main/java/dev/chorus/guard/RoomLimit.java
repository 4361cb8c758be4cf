package dev.chorus.guard;

/**
 * How many rooms one connection may be in at once (limits.maxRoomsPerConnection). A join beyond it gets
 * {@link dev.chorus.protocol.ChatError#TOO_MANY_ROOMS}; the session asks, through its {@link ConnectionGuard},
 * before each join of a new room.
 */
public final class RoomLimit {

  private final int maxRooms;

  public RoomLimit(int maxRooms) {
    if (maxRooms < 1) {
      throw new IllegalArgumentException("maxRooms must be positive");
    }
    this.maxRooms = maxRooms;
  }

  /** Whether a connection already in {@code currentRooms} rooms may join one more. */
  public boolean mayJoin(int currentRooms) {
    return currentRooms < maxRooms;
  }

  public int maxRooms() {
    return maxRooms;
  }
}
