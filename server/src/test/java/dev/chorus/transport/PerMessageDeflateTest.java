package dev.chorus.transport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The server's answer to permessage-deflate offers (RFC 7692 §5, §7.1), as the Sec-WebSocket-Extensions value
 * of the 101, or none: every accepted offer is answered with server_no_context_takeover.
 */
class PerMessageDeflateTest {

  private static final String PLAIN = "permessage-deflate; server_no_context_takeover";
  private static final String CLIENT_NO_CONTEXT = PLAIN + "; client_no_context_takeover";

  @ParameterizedTest(name = "[{index}] {0} -> {1}")
  @CsvSource(delimiter = '|', nullValues = "none", value = {
    "permessage-deflate                                                        | " + PLAIN,
    "PerMessage-Deflate                                                        | " + PLAIN,
    "permessage-deflate; client_max_window_bits                                | " + PLAIN,
    "permessage-deflate; client_max_window_bits=10                             | " + PLAIN,
    "permessage-deflate; client_max_window_bits=\"12\"                         | " + PLAIN,
    "permessage-deflate; server_no_context_takeover                            | " + PLAIN,
    "permessage-deflate; client_no_context_takeover                            | " + CLIENT_NO_CONTEXT,
    "permessage-deflate;client_no_context_takeover;server_no_context_takeover  | " + CLIENT_NO_CONTEXT,
    "permessage-deflate; server_max_window_bits=15                             | " + PLAIN + "; server_max_window_bits=15",
    "permessage-deflate; server_max_window_bits=10, permessage-deflate; client_no_context_takeover | " + PLAIN + "; server_max_window_bits=10",
    "x-webkit-deflate-frame, permessage-deflate                                | " + PLAIN,
    "permessage-deflate; client_no_context_takeover; client_max_window_bits; server_max_window_bits=9, "
      + "permessage-deflate; client_no_context_takeover; client_max_window_bits; server_no_context_takeover, "
      + "permessage-deflate; client_no_context_takeover; client_max_window_bits | " + CLIENT_NO_CONTEXT + "; server_max_window_bits=9",
    "permessage-deflate; server_max_window_bits=10                             | " + PLAIN + "; server_max_window_bits=10",
    "permessage-deflate; server_max_window_bits=8                              | " + PLAIN + "; server_max_window_bits=8",
    "permessage-deflate; server_max_window_bits, permessage-deflate; client_no_context_takeover | " + CLIENT_NO_CONTEXT,
    "permessage-deflate; server_max_window_bits                                | none",
    "permessage-deflate; server_max_window_bits=16                             | none",
    "permessage-deflate; client_max_window_bits=7                              | none",
    "permessage-deflate; client_max_window_bits=015                            | none",
    "permessage-deflate; client_max_window_bits=ten                            | none",
    "permessage-deflate; client_max_window_bits=\"1\"0                         | none",
    "permessage-deflate; client_max_window_bits=\"10                           | none",
    "permessage-deflate; client_no_context_takeover=1                          | none",
    "permessage-deflate; server_no_context_takeover; server_no_context_takeover | none",
    "permessage-deflate; mystery_parameter                                     | none",
    "permessage-deflate;                                                       | none",
    "permessage-deflate; =15                                                   | none",
    "deflate-frame                                                             | none",
    "x-permessage-deflate                                                      | none"})
  void offerIsAnsweredOrDeclined(String offer, String answer) {
    PerMessageDeflate.Agreement agreed = PerMessageDeflate.negotiate(List.of(offer));
    assertEquals(answer, agreed == null ? null : agreed.response(), offer);
  }

  @Test
  void clientNoContextTakeoverIsAgreedOnlyWhenOffered() {
    assertEquals(false, PerMessageDeflate.negotiate(List.of("permessage-deflate")).clientNoContextTakeover());
    assertEquals(true, PerMessageDeflate.negotiate(List.of("permessage-deflate; client_no_context_takeover"))
      .clientNoContextTakeover());
  }

  @Test
  void offersOnSeveralHeaderLinesAreTakenInOrder() {
    PerMessageDeflate.Agreement agreed = PerMessageDeflate.negotiate(List.of("x-foo; bar=1",
      "permessage-deflate; server_max_window_bits=9", "permessage-deflate; client_no_context_takeover"));
    assertEquals(PLAIN + "; server_max_window_bits=9", agreed.response());
  }

  @Test
  void aShorterServerWindowBoundsTheMessagesSentCompressed() {
    assertEquals(512, PerMessageDeflate.negotiate(List.of("permessage-deflate; server_max_window_bits=9")).longestCompressed());
    assertEquals(256, PerMessageDeflate.negotiate(List.of("permessage-deflate; server_max_window_bits=8")).longestCompressed());
    assertEquals(Integer.MAX_VALUE,
      PerMessageDeflate.negotiate(List.of("permessage-deflate; server_max_window_bits=15")).longestCompressed());
    assertEquals(Integer.MAX_VALUE, PerMessageDeflate.negotiate(List.of("permessage-deflate")).longestCompressed());
  }

  @Test
  void noOfferMeansNoExtension() {
    assertNull(PerMessageDeflate.negotiate(List.of()));
    assertNull(PerMessageDeflate.negotiate(List.of("", " , ")));
  }
}
