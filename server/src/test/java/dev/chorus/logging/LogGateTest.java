package dev.chorus.logging;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

/** One log line per event class and minute for the whole node, each telling how many were left out. */
class LogGateTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void oneLinePerMinuteTellingHowManyWereLeftOut() {
    LogGate gate = LogGate.of(vertx, "event");
    long now = System.nanoTime();
    assertEquals(0, gate.admit(now), "the first is logged");
    assertEquals(-1, gate.admit(now + 1));
    assertEquals(-1, gate.admit(now + LogGate.INTERVAL_NANOS - 1));
    assertEquals(2, gate.admit(now + LogGate.INTERVAL_NANOS), "a minute later, with the two left out");
    assertEquals(-1, gate.admit(now + LogGate.INTERVAL_NANOS + 1));
  }

  @Test
  void everyEventLoopOfANodeSharesTheGateOfAnEventClass() {
    assertSame(LogGate.of(vertx, "event"), LogGate.of(vertx, "event"));
    assertNotSame(LogGate.of(vertx, "event"), LogGate.of(vertx, "other"));
    Vertx otherNode = Vertx.vertx();
    try {
      assertNotSame(LogGate.of(vertx, "event"), LogGate.of(otherNode, "event"));
    } finally {
      otherNode.close().await();
    }
  }
}
