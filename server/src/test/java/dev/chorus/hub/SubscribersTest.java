package dev.chorus.hub;

import dev.chorus.support.FakeClientSocket;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A room's subscribers on one event loop: a set in an array, each subscriber knowing its slot. */
class SubscribersTest {

  private static List<Subscriber> subscribers(int count) {
    List<Subscriber> made = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      made.add(new Subscriber(new FakeClientSocket("/chat"), "c" + i, new Replays(), false));
    }
    return made;
  }

  private static Set<Subscriber> walk(Subscribers set) {
    Set<Subscriber> seen = new HashSet<>();
    for (int i = set.size() - 1; i >= 0; i--) {
      assertTrue(seen.add(set.at(i)), "each subscriber once");
    }
    return seen;
  }

  @Test
  void addingTwiceKeepsOneAndRemovingAnAbsentOneSaysSo() {
    Subscribers set = new Subscribers();
    Subscriber alice = subscribers(1).get(0);
    set.add(alice);
    set.add(alice);
    assertEquals(1, set.size());
    assertTrue(set.remove(alice));
    assertFalse(set.remove(alice));
    assertTrue(set.isEmpty());
    assertFalse(set.contains(alice));
  }

  @Test
  void removalsAnywhereKeepEveryOtherSubscriberExactlyOnceAndTheArrayShrinks() {
    Subscribers set = new Subscribers();
    List<Subscriber> all = subscribers(100);
    all.forEach(set::add);
    Set<Subscriber> expected = new HashSet<>(all);
    for (int i = 0; i < 100; i += 3) {
      assertTrue(set.remove(all.get(i)));
      expected.remove(all.get(i));
    }
    assertEquals(expected, walk(set));
    for (Subscriber subscriber : all) {
      assertEquals(expected.contains(subscriber), set.contains(subscriber));
    }
    expected.forEach(set::remove);
    assertTrue(set.isEmpty());
    set.add(all.get(0));
    assertEquals(Set.of(all.get(0)), walk(set), "usable again after shrinking");
  }

  @Test
  void theSubscriberJustVisitedMayLeaveDuringAWalk() {
    Subscribers set = new Subscribers();
    List<Subscriber> all = subscribers(10);
    all.forEach(set::add);
    Set<Subscriber> visited = new HashSet<>();
    for (int i = set.size() - 1; i >= 0; i--) {
      Subscriber subscriber = set.at(i);
      assertTrue(visited.add(subscriber));
      if (visited.size() % 2 == 0) {
        set.remove(subscriber);
      }
    }
    assertEquals(Set.copyOf(all), visited);
    assertEquals(5, set.size());
  }

  @Test
  void aSubscriberIsInOneRoomAtATime() {
    Subscribers lobby = new Subscribers();
    Subscribers dev = new Subscribers();
    Subscriber alice = subscribers(1).get(0);
    lobby.add(alice);
    assertThrows(IllegalStateException.class, () -> dev.add(alice));
    lobby.remove(alice);
    dev.add(alice);
    assertTrue(dev.contains(alice));
    assertFalse(lobby.contains(alice));
  }
}
