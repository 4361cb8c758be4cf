package dev.chorus.transport;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PendingConnectionsTest {

  @Test
  void theBudgetIsTheSmallerOfTheFixedCountAndTheRoomLeftNow() {
    AtomicInteger room = new AtomicInteger(100);
    PendingConnections pending = new PendingConnections(3, room::get);
    assertFalse(pending.added());
    assertFalse(pending.added());
    assertFalse(pending.added());
    assertTrue(pending.added(), "past the fixed count");
    pending.removed();
    pending.removed();
    assertEquals(2, pending.count());

    room.set(2);
    assertEquals(2, pending.budget());
    assertTrue(pending.added(), "past the room the WebSockets leave, though under the fixed count");
    room.set(100);
    pending.removed();
    assertFalse(pending.added());
  }
}
