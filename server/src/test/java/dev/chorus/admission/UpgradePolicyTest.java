package dev.chorus.admission;

import dev.chorus.metrics.ChorusMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.MultiMap;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class UpgradePolicyTest {

  /** The node's end of the upgrade's connection. */
  private static final String LOCAL = "127.0.0.1";

  private final ConnectionLimiter connections = new ConnectionLimiter(1);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final UpgradePolicy policy = new UpgradePolicy(new OriginPolicy(List.of(), "", 8080, Set.of()), connections,
    new ChorusMetrics(registry));

  private static MultiMap headers() {
    return MultiMap.caseInsensitiveMultiMap()
      .add("Host", "chat.example.com")
      .add("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
      .add("Sec-WebSocket-Version", "13");
  }

  private double refused(int status) {
    var counter = registry.find("chorus.upgrades.refused").tag("status", String.valueOf(status)).counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void validUpgradeIsAccepted() {
    assertEquals(Admission.ACCEPTED, policy.admit(headers(), LOCAL));
    assertNull(registry.find("chorus.upgrades.refused").counter());
  }

  @Test
  void missingOrMalformedKeyOrVersionIs400() {
    assertEquals(Admission.BAD_HANDSHAKE, policy.admit(headers().remove("Sec-WebSocket-Key"), LOCAL));
    assertEquals(Admission.BAD_HANDSHAKE, policy.admit(headers().set("Sec-WebSocket-Key", "not base64!"), LOCAL));
    assertEquals(Admission.BAD_HANDSHAKE, policy.admit(headers().set("Sec-WebSocket-Key", "c2hvcnQ="), LOCAL));
    assertEquals(Admission.BAD_HANDSHAKE, policy.admit(headers().remove("Sec-WebSocket-Version"), LOCAL));
    assertEquals(400, Admission.BAD_HANDSHAKE.httpStatus());
    assertEquals(4, refused(400));
  }

  @Test
  void foreignOriginIs403() {
    Admission admission = policy.admit(headers().add("Origin", "https://evil.example"), LOCAL);
    assertEquals(Admission.FOREIGN_ORIGIN, admission);
    assertEquals(403, admission.httpStatus());
    assertEquals(1, refused(403));
  }

  @Test
  void fullNodeIs503UntilAConnectionCloses() {
    connections.opened();
    Admission admission = policy.admit(headers(), LOCAL);
    assertEquals(Admission.NODE_FULL, admission);
    assertEquals(503, admission.httpStatus());
    connections.closed();
    assertEquals(Admission.ACCEPTED, policy.admit(headers(), LOCAL));
    assertEquals(1, refused(503));
  }
}
