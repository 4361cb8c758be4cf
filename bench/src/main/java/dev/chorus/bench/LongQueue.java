package dev.chorus.bench;

/** A FIFO of longs without boxing, growing as needed. Not thread-safe. */
final class LongQueue {

  private long[] items = new long[16];
  private int head;
  private int size;

  void add(long value) {
    if (size == items.length) {
      long[] grown = new long[items.length * 2];
      for (int i = 0; i < size; i++) {
        grown[i] = items[(head + i) % items.length];
      }
      items = grown;
      head = 0;
    }
    items[(head + size) % items.length] = value;
    size++;
  }

  /** Removes and returns the oldest value; {@code empty} when there is none. */
  long poll(long empty) {
    if (size == 0) {
      return empty;
    }
    long value = items[head];
    head = (head + 1) % items.length;
    size--;
    return value;
  }

  int size() {
    return size;
  }
}
