package dev.chorus.history;

import io.vertx.core.Future;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@link RoomHistory} contract every store keeps, run against each by a test class that extends this one
 * and says how to reach its store.
 */
abstract class RoomHistoryContract {

  /** The store as node {@code index} (0 or 1) of one cluster reaches it. */
  abstract RoomHistory store(int index);

  /** How many of {@code rooms} hold state in the store. */
  abstract long roomsWithState(Collection<String> rooms);

  /** The call's result, made on a Vert.x context and waited for. */
  abstract <T> T await(Supplier<Future<T>> call);

  @Test
  void positionsAndReadsCreateNothingAndTheFirstMessageTakesTheEpochTheyAnswered() {
    RoomHistory one = store(0);
    RoomHistory other = store(1);
    List<String> rooms = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      String room = "contract-" + UUID.randomUUID().toString().substring(0, 8);
      rooms.add(room);
      RoomHistory.Position position = await(() -> one.position(room));
      assertEquals(0, position.lastSeq());
      assertTrue(position.epoch().length() <= RoomHistory.MAX_EPOCH_LENGTH);
      RoomHistory.Page page = await(() -> other.read(room, 0, Long.MAX_VALUE, 100));
      assertEquals(position.epoch(), page.epoch(), "every node answers one epoch for a room with nothing stored");
      assertEquals(List.of(), page.entries());
    }
    assertEquals(0, roomsWithState(rooms), "no room holds state");

    String first = rooms.get(0);
    String epoch = await(() -> one.position(first)).epoch();
    RoomHistory.Appended appended = await(() -> other.append(first, "c-1", "alice", "hello", 100));
    assertEquals(1, appended.entry().seq());
    assertEquals(epoch, appended.epoch(), "a client that joined before the first message keeps its epoch");
    assertEquals(1, roomsWithState(rooms));
    await(one::close);
    await(other::close);
  }
}
