package dev.chorus.admission;

import dev.chorus.metrics.ChorusMetrics;
import dev.chorus.protocol.CloseCode;
import dev.chorus.support.FakeClientSocket;
import dev.chorus.transport.PendingConnections;
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
    new AddressLimiter(2), new PendingConnections(2), new ChorusMetrics(registry));

  private static final String CLIENT = "192.0.2.7";

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
    assertEquals(Admission.ACCEPTED, policy.admit(headers(), CLIENT, LOCAL));
    assertNull(registry.find("chorus.upgrades.refused").counter());
  }

  @Test
  void missingOrMalformedKeyOrVersionIs400() {
    assertEquals(Admission.BAD_HANDSHAKE, policy.admit(headers().remove("Sec-WebSocket-Key"), CLIENT, LOCAL));
    assertEquals(Admission.BAD_HANDSHAKE, policy.admit(headers().set("Sec-WebSocket-Key", "not base64!"), CLIENT, LOCAL));
    assertEquals(Admission.BAD_HANDSHAKE, policy.admit(headers().set("Sec-WebSocket-Key", "c2hvcnQ="), CLIENT, LOCAL));
    assertEquals(Admission.BAD_HANDSHAKE, policy.admit(headers().remove("Sec-WebSocket-Version"), CLIENT, LOCAL));
    assertEquals(400, Admission.BAD_HANDSHAKE.httpStatus());
    assertEquals(4, refused(400));
  }

  @Test
  void foreignOriginIs403() {
    Admission admission = policy.admit(headers().add("Origin", "https://evil.example"), CLIENT, LOCAL);
    assertEquals(Admission.FOREIGN_ORIGIN, admission);
    assertEquals(403, admission.httpStatus());
    assertEquals(1, refused(403));
  }

  @Test
  void fullNodeIs503UntilAConnectionCloses() {
    connections.opened();
    Admission admission = policy.admit(headers(), CLIENT, LOCAL);
    assertEquals(Admission.NODE_FULL, admission);
    assertEquals(503, admission.httpStatus());
    connections.closed();
    assertEquals(Admission.ACCEPTED, policy.admit(headers(), CLIENT, LOCAL));
    assertEquals(1, refused(503));
  }

  @Test
  void anAddressAtItsLimitIs429WhileOtherAddressesAreAcceptedUntilItsSlotIsGivenBack() {
    UpgradePolicy roomy = new UpgradePolicy(new OriginPolicy(List.of(), "", 8080, Set.of()), new ConnectionLimiter(100),
      new AddressLimiter(2), new PendingConnections(200), new ChorusMetrics(registry));
    FakeClientSocket first = new FakeClientSocket("/chat");
    assertEquals(Admission.ACCEPTED, roomy.admit(headers(), CLIENT, LOCAL));
    roomy.opened(first, CLIENT);
    assertEquals(Admission.ACCEPTED, roomy.admit(headers(), CLIENT, LOCAL));
    roomy.abandoned(CLIENT);
    assertEquals(Admission.ACCEPTED, roomy.admit(headers(), CLIENT, LOCAL), "an abandoned handshake gives its slot back");
    roomy.opened(new FakeClientSocket("/echo"), CLIENT);
    Admission admission = roomy.admit(headers(), CLIENT, LOCAL);
    assertEquals(Admission.ADDRESS_FULL, admission);
    assertEquals(429, admission.httpStatus());
    assertEquals(1, refused(429));
    assertEquals(Admission.ACCEPTED, roomy.admit(headers(), "192.0.2.8", LOCAL));
    first.close(CloseCode.GOING_AWAY);
    assertEquals(Admission.ACCEPTED, roomy.admit(headers(), CLIENT, LOCAL));
  }

  @Test
  void aLimitOfZeroCountsNothing() {
    UpgradePolicy unlimited = new UpgradePolicy(new OriginPolicy(List.of(), "", 8080, Set.of()), new ConnectionLimiter(100),
      new AddressLimiter(0), new PendingConnections(200), new ChorusMetrics(registry));
    for (int i = 0; i < 5; i++) {
      assertEquals(Admission.ACCEPTED, unlimited.admit(headers(), CLIENT, LOCAL));
      unlimited.opened(new FakeClientSocket("/chat"), CLIENT);
    }
    assertEquals(Admission.ACCEPTED, unlimited.admit(headers(), CLIENT, LOCAL));
  }
}
