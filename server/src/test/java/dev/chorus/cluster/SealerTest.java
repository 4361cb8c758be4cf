package dev.chorus.cluster;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SealerTest {

  private static final byte[] AAD = "chorus.rooms".getBytes(StandardCharsets.UTF_8);
  private static final byte[] PLAIN = "{\"type\":\"chat\",\"text\":\"marker-7f3a\"}".getBytes(StandardCharsets.UTF_8);
  private final Sealer sealer = new Sealer(ClusterKeys.derive("the-first-cluster-secret-0123456789").eventBus());

  @Test
  void sealedBytesOpenToThePlaintextAndHideIt() throws Exception {
    byte[] sealed = sealer.seal(AAD, PLAIN);
    assertEquals(PLAIN.length + Sealer.OVERHEAD, sealed.length);
    assertFalse(new String(sealed, StandardCharsets.ISO_8859_1).contains("marker-7f3a"));
    assertArrayEquals(PLAIN, sealer.open(AAD, sealed));
  }

  @Test
  void eachSealHasItsOwnNonce() {
    assertFalse(Arrays.equals(Sealer.nonce(sealer.seal(AAD, PLAIN), 0), Sealer.nonce(sealer.seal(AAD, PLAIN), 0)));
  }

  @Test
  void aPrefixIsLeftForTheCaller() throws Exception {
    byte[] sealed = sealer.seal(AAD, PLAIN, 0, PLAIN.length, 1);
    sealed[0] = 42;
    assertArrayEquals(PLAIN, sealer.open(AAD, sealed, 1));
  }

  /** A byte changed in the nonce, the ciphertext or the tag. */
  @ParameterizedTest(name = "byte {0} changed")
  @ValueSource(ints = {0, 11, 12, 20, -1})
  void aChangedByteIsRefused(int index) {
    byte[] sealed = sealer.seal(AAD, PLAIN);
    int at = index < 0 ? sealed.length + index : index;
    sealed[at] ^= 1;
    assertEquals("wrong key or forged", assertThrows(Sealer.Broken.class, () -> sealer.open(AAD, sealed)).getMessage());
  }

  @Test
  void anotherKeyIsRefused() {
    Sealer other = new Sealer(ClusterKeys.derive("the-second-cluster-secret-012345678").eventBus());
    assertThrows(Sealer.Broken.class, () -> other.open(AAD, sealer.seal(AAD, PLAIN)));
  }

  @Test
  void otherAssociatedDataIsRefused() {
    byte[] moved = "chorus.users.node".getBytes(StandardCharsets.UTF_8);
    assertThrows(Sealer.Broken.class, () -> sealer.open(moved, sealer.seal(AAD, PLAIN)));
  }

  @ParameterizedTest(name = "cut to {0} bytes")
  @ValueSource(ints = {0, 12, 27, 40})
  void truncatedInputIsRefused(int length) {
    byte[] cut = Arrays.copyOf(sealer.seal(AAD, PLAIN), length);
    assertThrows(Sealer.Broken.class, () -> sealer.open(AAD, cut));
  }
}
