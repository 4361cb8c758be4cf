package dev.chorus.guard;

import org.junit.jupiter.api.Test;

import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OpenFileLimitTest {

  @Test
  void theConfiguredLimitStandsWhenDescriptorsAreAmple() {
    assertEquals(100_000, OpenFileLimit.connectionLimit(100_000, OptionalLong.of(1_048_576)));
  }

  @Test
  void theLimitIsLoweredToLeaveDescriptorsForTheNodeItself() {
    assertEquals(20_000 - OpenFileLimit.RESERVED, OpenFileLimit.connectionLimit(100_000, OptionalLong.of(20_000)));
  }

  @Test
  void aTinyOpenFileLimitStillAllowsOneConnection() {
    assertEquals(1, OpenFileLimit.connectionLimit(100_000, OptionalLong.of(512)));
  }

  @Test
  void withoutAnOpenFileLimitTheConfiguredLimitStands() {
    assertEquals(5, OpenFileLimit.connectionLimit(5, OptionalLong.empty()));
  }

  @Test
  void thisProcessReportsItsOpenFileLimitOnLinux() {
    assertTrue(OpenFileLimit.current().orElseThrow() > 0);
  }
}
