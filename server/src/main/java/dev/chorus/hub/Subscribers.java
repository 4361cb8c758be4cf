package dev.chorus.hub;

import java.util.Arrays;
import java.util.List;

/**
 * The subscribers of one room on one event loop: a set in an array, each subscriber knowing its slot, so
 * that adding and removing take constant time and a fan-out walks an array. An idle node keeps every lobby
 * connection here: a slot costs a reference, where a LinkedHashSet entry cost 50 bytes. Iteration order is
 * not join order (a removal moves the last subscriber into the freed slot). Confined to its event loop.
 */
final class Subscribers {

  private Subscriber[] slots = new Subscriber[4];
  private int size;

  /** Adds {@code subscriber} unless it is here already. */
  void add(Subscriber subscriber) {
    if (contains(subscriber)) {
      return;
    }
    if (subscriber.slot >= 0) {
      throw new IllegalStateException("a subscriber is in one room at a time");
    }
    if (size == slots.length) {
      slots = Arrays.copyOf(slots, size * 2);
    }
    subscriber.slot = size;
    slots[size++] = subscriber;
  }

  /** Removes {@code subscriber}; false when it was not here. */
  boolean remove(Subscriber subscriber) {
    if (!contains(subscriber)) {
      return false;
    }
    int slot = subscriber.slot;
    Subscriber last = slots[--size];
    slots[slot] = last;
    last.slot = slot;
    slots[size] = null;
    subscriber.slot = -1;
    if (size < slots.length / 4 && slots.length > 4) {
      slots = Arrays.copyOf(slots, slots.length / 2);
    }
    return true;
  }

  boolean contains(Subscriber subscriber) {
    int slot = subscriber.slot;
    return slot >= 0 && slot < size && slots[slot] == subscriber;
  }

  int size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }

  /**
   * The subscriber in {@code slot}, 0 to size() - 1. Walk them last slot first: removing the one just
   * visited then moves no unvisited one, and one added meanwhile is not visited.
   */
  Subscriber at(int slot) {
    return slots[slot];
  }

  /** A copy, for work that outlives this turn. */
  List<Subscriber> snapshot() {
    return List.of(Arrays.copyOf(slots, size));
  }
}
