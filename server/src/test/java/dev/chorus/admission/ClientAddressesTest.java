package dev.chorus.admission;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Who the client is: the peer, or behind a trusted proxy the last untrusted hop of X-Forwarded-For. */
class ClientAddressesTest {

  private final ClientAddresses addresses = new ClientAddresses(List.of("10.0.0.0/8", "192.0.2.1", "fd00::/8"));

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
    "an untrusted peer is the client, whatever it forwards | 198.51.100.9 | 203.0.113.5 | 198.51.100.9",
    "a trusted peer without a header is the client | 10.1.2.3 | | 10.1.2.3",
    "a trusted peer names the client | 10.1.2.3 | 203.0.113.5 | 203.0.113.5",
    "a spoofed first hop is skipped: the last untrusted one counts | 10.1.2.3 | 6.6.6.6, 203.0.113.5 | 203.0.113.5",
    "trusted hops are skipped | 192.0.2.1 | 203.0.113.5, 10.9.9.9 | 203.0.113.5",
    "a hop's port is dropped | 10.1.2.3 | 203.0.113.5:4711 | 203.0.113.5",
    "IPv6 in brackets with a port, canonical | fd00::1 | [2001:DB8:0::1]:80 | 2001:db8:0:0:0:0:0:1",
    "every hop trusted: the first one | 10.1.2.3 | 10.0.0.1, 10.0.0.2 | 10.0.0.1",
  })
  void clientAddress(String behaviour, String peer, String forwardedFor, String client) {
    assertEquals(client, addresses.of(peer, forwardedFor == null ? List.of() : List.of(forwardedFor)), behaviour);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
    "without trusted proxies the header is ignored | 10.1.2.3 | 203.0.113.5 | 10.1.2.3",
  })
  void noTrustedProxies(String behaviour, String peer, String forwardedFor, String client) {
    assertEquals(client, new ClientAddresses(List.of()).of(peer, List.of(forwardedFor)), behaviour);
  }
}
