package dev.chorus.admission;

import org.junit.jupiter.api.Test;

import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class OpenFileLimitTest {

  @Test
  void theConfiguredLimitStandsWhenDescriptorsAreAmple() {
    assertEquals(100_000, OpenFileLimit.connectionLimit(100_000, OptionalLong.of(1_048_576)));
  }

  @Test
  void theLimitIsLoweredToLeaveDescriptorsForTheNode() {
    assertEquals(20_000 - OpenFileLimit.RESERVED, OpenFileLimit.connectionLimit(100_000, OptionalLong.of(20_000)));
    assertEquals(100_000, OpenFileLimit.connectionLimit(100_000, OptionalLong.of(OpenFileLimit.descriptorsFor(100_000))));
  }

  @Test
  void pendingConnectionsGetTheDescriptorsTheWebSocketsLeaveAndHalfTheReserveOnAFullNode() {
    OptionalLong openFiles = OptionalLong.of(20_000);
    assertEquals(20_000 - OpenFileLimit.RESERVED / 2, OpenFileLimit.pendingRoom(openFiles, 0));
    int full = OpenFileLimit.connectionLimit(100_000, openFiles);
    assertEquals(OpenFileLimit.RESERVED / 2, OpenFileLimit.pendingRoom(openFiles, full),
      "a node full of WebSockets still has descriptors to answer /health and refuse upgrades with");
    assertEquals(Integer.MAX_VALUE, OpenFileLimit.pendingRoom(OptionalLong.empty(), 10));
  }

  @Test
  void aSmallOpenFileLimitKeepsAQuarterForTheNode() {
    assertEquals(768, OpenFileLimit.connectionLimit(100_000, OptionalLong.of(1024)));
    assertEquals(1, OpenFileLimit.connectionLimit(100_000, OptionalLong.of(1)));
  }

  @Test
  void withoutAnOpenFileLimitTheConfiguredLimitStands() {
    assertEquals(5, OpenFileLimit.connectionLimit(5, OptionalLong.empty()));
    assertEquals(5, OpenFileLimit.connectionLimit(5, OptionalLong.of(-1)));
  }

  @Test
  void thisProcessReportsItsOpenFileLimitOnLinux() {
    assumeTrue(System.getProperty("os.name").startsWith("Linux"));
    assertTrue(OpenFileLimit.current().orElseThrow() > 0);
  }
}
