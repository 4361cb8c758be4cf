package dev.chorus.cluster;

import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;

/**
 * The keys a node derives from the cluster secret (cluster.secret), one per use, with HKDF-SHA256 (RFC 5869):
 * the same secret gives every node the same keys, and a key of one use tells nothing of another's. Immutable.
 *
 * @param eventBus  AES-256 key sealing every event-bus message between nodes ({@link Sealer})
 * @param atRest    AES-256 key sealing what Chorus keeps in Hazelcast
 * @param keyedHash HMAC-SHA256 key for the keyed hashes that stand in for names Hazelcast must compare
 */
public record ClusterKeys(SecretKey eventBus, SecretKey atRest, SecretKey keyedHash) {

  /** The HKDF salt: fixed, so that equal secrets give equal keys on every node. */
  private static final byte[] SALT = "chorus cluster secret".getBytes(StandardCharsets.UTF_8);
  /** The HKDF info labels, one per use; changing one changes that use's key on every node. */
  static final String EVENT_BUS = "chorus event bus v1";
  static final String AT_REST = "chorus at rest v1";
  static final String KEYED_HASH = "chorus keyed hash v1";
  private static final int KEY_BYTES = 32;
  private static final String HMAC = "HmacSHA256";

  /** The keys of {@code secret} (its UTF-8 bytes are HKDF's input keying material). */
  public static ClusterKeys derive(String secret) {
    byte[] prk = extract(SALT, secret.getBytes(StandardCharsets.UTF_8));
    try {
      return new ClusterKeys(new SecretKeySpec(expand(prk, label(EVENT_BUS), KEY_BYTES), "AES"),
        new SecretKeySpec(expand(prk, label(AT_REST), KEY_BYTES), "AES"),
        new SecretKeySpec(expand(prk, label(KEYED_HASH), KEY_BYTES), HMAC));
    } finally {
      Arrays.fill(prk, (byte) 0);
    }
  }

  private static byte[] label(String info) {
    return info.getBytes(StandardCharsets.UTF_8);
  }

  /** HKDF-Extract: the pseudorandom key of {@code ikm} under {@code salt}. */
  static byte[] extract(byte[] salt, byte[] ikm) {
    return hmac(salt).doFinal(ikm);
  }

  /** HKDF-Expand: {@code length} bytes (at most 255 x 32) of output keying material for {@code info}. */
  static byte[] expand(byte[] prk, byte[] info, int length) {
    if (length < 1 || length > 255 * 32) {
      throw new IllegalArgumentException("HKDF-SHA256 gives 1 to 8160 bytes, asked " + length);
    }
    Mac mac = hmac(prk);
    byte[] out = new byte[length];
    byte[] block = new byte[0];
    for (int i = 1, written = 0; written < length; i++) {
      mac.update(block);
      mac.update(info);
      mac.update((byte) i);
      block = mac.doFinal();
      int n = Math.min(block.length, length - written);
      System.arraycopy(block, 0, out, written, n);
      written += n;
    }
    return out;
  }

  private static Mac hmac(byte[] key) {
    try {
      Mac mac = Mac.getInstance(HMAC);
      mac.init(new SecretKeySpec(key, HMAC));
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks HmacSHA256", e);
    }
  }

  /** Never prints key material. */
  @Override
  public String toString() {
    return "ClusterKeys[(derived)]";
  }
}
