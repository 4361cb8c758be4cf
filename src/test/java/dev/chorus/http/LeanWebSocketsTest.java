package dev.chorus.http;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * LeanWebSockets reaches into Vert.x internals; a Vert.x upgrade that moves them must fail here,
 * not silently bring back 7.5 KiB per connection (README "Performance").
 */
class LeanWebSocketsTest {

  @Test
  void thisVertxHasTheInternalsToAdjust() {
    assertTrue(LeanWebSockets.enabled());
  }
}
