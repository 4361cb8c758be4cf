package dev.chorus.http;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Direct WebSocket writes reach into Vert.x internals; a Vert.x upgrade that moves them must fail here,
 * not silently bring back the per-connection write queue (4.6 KiB a connection, README "Performance").
 */
class EventLoopWritesTest {

  @Test
  void thisVertxHasTheDirectWriteQueue() {
    assertTrue(EventLoopWrites.enabled());
  }
}
