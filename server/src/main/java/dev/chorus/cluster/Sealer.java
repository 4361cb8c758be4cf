package dev.chorus.cluster;

import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import java.security.GeneralSecurityException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * AES-256-GCM from the JDK: seals bytes under one key, bound to associated data that must be presented again to
 * open them (the event-bus address, so a message cannot be moved to another address). A sealed value is
 * {@code nonce (12 bytes, random) || ciphertext || tag (16 bytes)}; a random 96-bit nonce per seal keeps the
 * chance of a repeat negligible for far more than 2^32 seals per key. Opening fails on a wrong key, a changed
 * byte, other associated data or a truncated value.
 *
 * <p>Thread-safe: each thread keeps its own Cipher and random source, so the hot path allocates only its
 * output.
 */
public final class Sealer {

  /** Bytes of the random nonce at the start of a sealed value. */
  public static final int NONCE_BYTES = 12;
  /** Bytes a sealed value adds to its plaintext. */
  public static final int OVERHEAD = NONCE_BYTES + 16;
  private static final int TAG_BITS = 128;
  private static final String CIPHER = "AES/GCM/NoPadding";

  private final SecretKey key;
  private final ThreadLocal<Cipher> ciphers = ThreadLocal.withInitial(Sealer::cipher);
  private final ThreadLocal<SecureRandom> randoms = ThreadLocal.withInitial(Sealer::random);

  /** A sealer under {@code key}, an AES key of 32 bytes. */
  public Sealer(SecretKey key) {
    if (key.getEncoded().length != 32) {
      throw new IllegalArgumentException("an AES-256 key has 32 bytes");
    }
    this.key = key;
  }

  /** The value refused by {@link #open}: wrong key, changed, bound to other data, or cut short. */
  public static final class Broken extends Exception {
    Broken(String reason) {
      super(reason, null, false, false);
    }
  }

  /**
   * {@code plain[offset, offset + length)} sealed under {@code aad}, written into a new array after {@code prefix}
   * bytes the caller fills (a format byte, say): nonce at {@code prefix}, then ciphertext and tag.
   */
  public byte[] seal(byte[] aad, byte[] plain, int offset, int length, int prefix) {
    byte[] out = new byte[prefix + OVERHEAD + length];
    byte[] nonce = new byte[NONCE_BYTES];
    randoms.get().nextBytes(nonce);
    System.arraycopy(nonce, 0, out, prefix, NONCE_BYTES);
    Cipher cipher = ciphers.get();
    try {
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(aad);
      cipher.doFinal(plain, offset, length, out, prefix + NONCE_BYTES);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM failed to seal", e);
    }
    return out;
  }

  /** {@code plain} sealed under {@code aad}, with nothing before the nonce. */
  public byte[] seal(byte[] aad, byte[] plain) {
    return seal(aad, plain, 0, plain.length, 0);
  }

  /** The plaintext of the sealed value at {@code sealed[offset, end)} under {@code aad}; {@link Broken} if refused. */
  public byte[] open(byte[] aad, byte[] sealed, int offset) throws Broken {
    int length = sealed.length - offset;
    if (length < OVERHEAD) {
      throw new Broken("truncated");
    }
    Cipher cipher = ciphers.get();
    try {
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, offset, NONCE_BYTES));
      cipher.updateAAD(aad);
      return cipher.doFinal(sealed, offset + NONCE_BYTES, length - NONCE_BYTES);
    } catch (GeneralSecurityException e) {
      throw new Broken("wrong key or forged");
    }
  }

  /** {@link #open(byte[], byte[], int)} from the first byte. */
  public byte[] open(byte[] aad, byte[] sealed) throws Broken {
    return open(aad, sealed, 0);
  }

  /** The nonce of a sealed value written with {@code prefix} bytes before it. */
  public static byte[] nonce(byte[] sealed, int prefix) {
    return Arrays.copyOfRange(sealed, prefix, prefix + NONCE_BYTES);
  }

  private static Cipher cipher() {
    try {
      return Cipher.getInstance(CIPHER);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks " + CIPHER, e);
    }
  }

  private static SecureRandom random() {
    try {
      // DRBG: no lock shared between threads, unlike NativePRNG's read of /dev/urandom.
      return SecureRandom.getInstance("DRBG");
    } catch (NoSuchAlgorithmException e) {
      return new SecureRandom();
    }
  }
}
