package dev.chorus.guard;

import dev.chorus.metrics.ChorusMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.MultiMap;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class HandshakeGuardTest {

  private final ConnectionLimiter connections = new ConnectionLimiter(1);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final GuardCounters counters = new GuardCounters(new ChorusMetrics(registry));
  private final HandshakeGuard guard = new HandshakeGuard(new OriginPolicy(List.of()), connections, counters);

  private static MultiMap headers() {
    return MultiMap.caseInsensitiveMultiMap()
      .add("Host", "chat.example.com")
      .add("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
      .add("Sec-WebSocket-Version", "13");
  }

  @Test
  void validUpgradeIsAccepted() {
    assertEquals(HandshakeGuard.ACCEPT, guard.check(headers()));
    assertEquals(0, counters.upgradesRefused());
  }

  @Test
  void missingOrMalformedKeyOrVersionIs400() {
    assertEquals(400, guard.check(headers().remove("Sec-WebSocket-Key")));
    assertEquals(400, guard.check(headers().set("Sec-WebSocket-Key", "not base64!")));
    assertEquals(400, guard.check(headers().set("Sec-WebSocket-Key", "c2hvcnQ=")));
    assertEquals(400, guard.check(headers().remove("Sec-WebSocket-Version")));
    assertEquals(4, counters.upgradesRefused());
    assertEquals(4, registry.get("chorus.upgrades.refused").tag("status", "400").counter().count());
  }

  @Test
  void foreignOriginIs403() {
    assertEquals(403, guard.check(headers().add("Origin", "https://evil.example")));
    assertEquals(1, registry.get("chorus.upgrades.refused").tag("status", "403").counter().count());
  }

  @Test
  void fullNodeIs503UntilAConnectionCloses() {
    connections.opened();
    assertEquals(503, guard.check(headers()));
    connections.closed();
    assertEquals(HandshakeGuard.ACCEPT, guard.check(headers()));
  }

  @Test
  void tokenParameterIsFoundAndDecoded() {
    assertEquals("a.b+c", ConnectionGuard.tokenParameter("x=1&token=a.b%2Bc"));
    assertNull(ConnectionGuard.tokenParameter("x=1"));
    assertNull(ConnectionGuard.tokenParameter(null));
  }
}
