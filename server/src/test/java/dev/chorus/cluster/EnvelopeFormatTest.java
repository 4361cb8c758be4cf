package dev.chorus.cluster;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class EnvelopeFormatTest {

  private static final Envelope ENVELOPE = new Envelope(Map.of("room", "dev", "seq", "42", "epoch", "é-1"),
    "{\"text\":\"hi\"}".getBytes(StandardCharsets.UTF_8));

  @Test
  void headersBodyAndTimeReadBackAsWritten() throws Exception {
    EnvelopeFormat.Timed read = EnvelopeFormat.read(EnvelopeFormat.write(ENVELOPE, 1_234_567L), 0);
    assertEquals(1_234_567L, read.sealedAtMillis());
    assertEquals(ENVELOPE.headers(), read.envelope().headers());
    assertArrayEquals(ENVELOPE.body(), read.envelope().body());
  }

  @Test
  void anEmptyBodyAndNoHeadersReadBack() throws Exception {
    EnvelopeFormat.Timed read = EnvelopeFormat.read(EnvelopeFormat.write(Envelope.of(new byte[0]), 0), 0);
    assertEquals(Map.of(), read.envelope().headers());
    assertEquals(0, read.envelope().body().length);
  }

  /** Cut inside the time, the header count, a header's name or its value. */
  @ParameterizedTest(name = "cut to {0} bytes")
  @ValueSource(ints = {0, 7, 8, 10, 12, 15})
  void cutBytesAreMalformed(int length) {
    byte[] cut = Arrays.copyOf(EnvelopeFormat.write(ENVELOPE, 0), length);
    assertThrows(EnvelopeFormat.Malformed.class, () -> EnvelopeFormat.read(cut, 0));
  }

  @Test
  void aHeaderNamedTwiceIsMalformed() {
    byte[] one = EnvelopeFormat.write(new Envelope(Map.of("room", "a"), new byte[0]), 0);
    // The same header twice: count 2, then the one header's bytes again.
    byte[] twice = new byte[one.length + (one.length - 9)];
    System.arraycopy(one, 0, twice, 0, one.length);
    System.arraycopy(one, 9, twice, one.length, one.length - 9);
    twice[8] = 2;
    assertThrows(EnvelopeFormat.Malformed.class, () -> EnvelopeFormat.read(twice, 0));
  }
}
