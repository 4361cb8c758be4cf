package dev.chorus.transport;

import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;

/**
 * Incremental UTF-8 validation of one text message across its fragments (RFC 3629: no overlong forms, no
 * surrogates, nothing above U+10FFFF), failing at the first byte that cannot continue a valid sequence, so a
 * bad message is refused before its end arrives. Confined to its socket's event loop.
 */
final class Utf8Validator implements ByteProcessor {

  private int needed;
  private int lower = 0x80;
  private int upper = 0xBF;

  /** Whether {@code bytes} continue the message validly (the buffer's indexes are not moved). */
  boolean check(ByteBuf bytes) {
    return !bytes.isReadable() || bytes.forEachByte(this) < 0;
  }

  /** Whether the message may end here (no sequence left open); resets for the next message. */
  boolean finish() {
    boolean complete = needed == 0;
    reset();
    return complete;
  }

  void reset() {
    needed = 0;
    lower = 0x80;
    upper = 0xBF;
  }

  @Override
  public boolean process(byte value) {
    int b = value & 0xFF;
    if (needed == 0) {
      if (b < 0x80) {
        return true;
      }
      return lead(b);
    }
    if (b < lower || b > upper) {
      return false;
    }
    lower = 0x80;
    upper = 0xBF;
    needed--;
    return true;
  }

  private boolean lead(int b) {
    if (b >= 0xC2 && b <= 0xDF) {
      return expect(1, 0x80, 0xBF);
    }
    if (b == 0xE0) {
      return expect(2, 0xA0, 0xBF);
    }
    if (b == 0xED) {
      return expect(2, 0x80, 0x9F);
    }
    if (b >= 0xE1 && b <= 0xEF) {
      return expect(2, 0x80, 0xBF);
    }
    if (b == 0xF0) {
      return expect(3, 0x90, 0xBF);
    }
    if (b >= 0xF1 && b <= 0xF3) {
      return expect(3, 0x80, 0xBF);
    }
    if (b == 0xF4) {
      return expect(3, 0x80, 0x8F);
    }
    return false;
  }

  private boolean expect(int continuations, int low, int high) {
    needed = continuations;
    lower = low;
    upper = high;
    return true;
  }
}
