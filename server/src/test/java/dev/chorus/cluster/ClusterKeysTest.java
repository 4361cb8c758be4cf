package dev.chorus.cluster;

import org.junit.jupiter.api.Test;

import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class ClusterKeysTest {

  private static final HexFormat HEX = HexFormat.of();
  private static final String SECRET = "a-cluster-secret-of-at-least-32-characters";

  /** RFC 5869, appendix A.1 (test case 1: basic test case with SHA-256). */
  @Test
  void hkdfGivesTheRfc5869TestVector1() {
    byte[] ikm = HEX.parseHex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b");
    byte[] salt = HEX.parseHex("000102030405060708090a0b0c");
    byte[] info = HEX.parseHex("f0f1f2f3f4f5f6f7f8f9");
    byte[] prk = ClusterKeys.extract(salt, ikm);
    assertEquals("077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5", HEX.formatHex(prk));
    assertEquals("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865",
      HEX.formatHex(ClusterKeys.expand(prk, info, 42)));
  }

  @Test
  void theSameSecretGivesTheSameKeysOnEveryNode() {
    ClusterKeys one = ClusterKeys.derive(SECRET);
    ClusterKeys other = ClusterKeys.derive(SECRET);
    assertArrayEquals(one.eventBus().getEncoded(), other.eventBus().getEncoded());
    assertArrayEquals(one.atRest().getEncoded(), other.atRest().getEncoded());
    assertArrayEquals(one.keyedHash().getEncoded(), other.keyedHash().getEncoded());
  }

  @Test
  void eachUseHasAKeyOfItsOwnAndAnotherSecretChangesThemAll() {
    ClusterKeys keys = ClusterKeys.derive(SECRET);
    ClusterKeys otherSecret = ClusterKeys.derive(SECRET + "!");
    List<byte[]> all = List.of(keys.eventBus().getEncoded(), keys.atRest().getEncoded(), keys.keyedHash().getEncoded(),
      otherSecret.eventBus().getEncoded(), otherSecret.atRest().getEncoded(), otherSecret.keyedHash().getEncoded());
    Set<String> distinct = all.stream().map(HEX::formatHex).collect(Collectors.toSet());
    assertEquals(6, distinct.size());
    all.forEach(key -> assertEquals(32, key.length));
  }

  @Test
  void toStringShowsNoKeyMaterial() {
    ClusterKeys keys = ClusterKeys.derive(SECRET);
    String text = keys.toString();
    assertFalse(text.contains(HEX.formatHex(keys.eventBus().getEncoded())), text);
    assertFalse(text.contains(SECRET), text);
  }
}
