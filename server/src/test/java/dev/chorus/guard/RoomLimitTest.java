package dev.chorus.guard;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RoomLimitTest {

  @Test
  void joinsUpToTheLimitThenRefuses() {
    RoomLimit limit = new RoomLimit(3);
    assertTrue(limit.mayJoin(0));
    assertTrue(limit.mayJoin(2));
    assertFalse(limit.mayJoin(3));
    assertFalse(limit.mayJoin(4));
    assertEquals(3, limit.maxRooms());
  }

  @Test
  void limitMustBePositive() {
    assertThrows(IllegalArgumentException.class, () -> new RoomLimit(0));
  }
}
