package dev.chorus.history;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A room's stream on its own: seqs, keys stored once, what is retained and remembered, and merges. */
class RoomLogTest {

  private static final long MINUTE = 60_000;

  private static int calls;

  /** An append as a fresh call (not a retry). */
  private static RoomHistory.Appended append(RoomLog log, String key, String text, long ts, int capacity) {
    return log.append(key, " call:" + ++calls, "alice", text, ts, capacity);
  }

  private static List<String> texts(RoomLog log) {
    return log.read(0, Long.MAX_VALUE, Integer.MAX_VALUE).entries().stream().map(HistoryEntry::message).toList();
  }

  private static List<Long> seqs(RoomLog log) {
    return log.read(0, Long.MAX_VALUE, Integer.MAX_VALUE).entries().stream().map(HistoryEntry::seq).toList();
  }

  @Test
  void appendsTakeTheNextSeqsAndAKnownKeyAnswersTheOriginal() {
    RoomLog log = new RoomLog("e1");
    assertEquals(1, append(log, "a", "one", 10, 5).entry().seq());
    assertEquals(2, append(log, " node:1", "two", 11, 5).entry().seq());
    RoomHistory.Appended again = append(log, "a", "one, sent again", 12, 5);
    assertTrue(again.duplicate());
    assertEquals(1, again.entry().seq());
    assertEquals("one", again.entry().message());
    assertEquals(10, again.entry().ts());
    assertEquals("e1", again.epoch());
    assertEquals(2, log.lastSeq());
    assertEquals(List.of("one", "two"), texts(log));
  }

  @Test
  void aRetryOfTheSameCallIsAnsweredAsStoredNotAsADuplicate() {
    RoomLog log = new RoomLog("e1");
    RoomHistory.Appended first = log.append("c-9", " call:x", "alice", "once", 5, 10);
    RoomHistory.Appended retried = log.append("c-9", " call:x", "alice", "once", 5, 10);
    assertFalse(retried.duplicate(), "Hazelcast's retry of one call: still to be published");
    assertEquals(first.entry().seq(), retried.entry().seq());
    assertTrue(log.append("c-9", " call:y", "alice", "once", 6, 10).duplicate(), "the client sent it again");
    assertEquals(1, log.lastSeq());
  }

  @Test
  void clientIdsAreKeptAndMadeUpKeysAreNot() {
    RoomLog log = new RoomLog("e1");
    assertEquals("c-1", append(log, "c-1", "x", 1, 3).entry().id());
    assertNull(append(log, " node:7", "y", 2, 3).entry().id());
    assertFalse(RoomLog.isClientId(" node:7"));
    assertTrue(RoomLog.isClientId("c-1"));
  }

  @Test
  void theRingKeepsTheNewestMessagesAndReadsReportWhereTheyStart() {
    RoomLog log = new RoomLog("e1");
    for (int i = 1; i <= 7; i++) {
      append(log, "k" + i, "m" + i, i, 3);
    }
    assertEquals(List.of("m5", "m6", "m7"), texts(log));
    assertEquals(List.of(5L, 6L, 7L), seqs(log));
    assertEquals(List.of("m6"), log.read(5, 6, 10).entries().stream().map(HistoryEntry::message).toList());
    assertEquals(1, log.read(0, 7, 1).entries().size());
    // A smaller size keeps the newest; a larger one grows from there.
    append(log, "k8", "m8", 8, 2);
    assertEquals(List.of("m7", "m8"), texts(log));
    append(log, "k9", "m9", 9, 4);
    assertEquals(List.of("m7", "m8", "m9"), texts(log));
  }

  @Test
  void theRingGrowsWithItsMessagesUpToTheCapacity() {
    RoomLog log = new RoomLog("e1");
    append(log, "k1", "m1", 1, 1000);
    assertEquals(4, log.slots(), "a room with one message does not hold history.size slots");
    for (int i = 2; i <= 5; i++) {
      append(log, "k" + i, "m" + i, i, 1000);
    }
    assertEquals(8, log.slots());
    for (int i = 6; i <= 30; i++) {
      append(log, "k" + i, "m" + i, i, 12);
    }
    assertEquals(12, log.slots());
    assertEquals(19, log.read(0, Long.MAX_VALUE, 100).entries().get(0).seq(), "the newest 12 retained");
    append(log, "k31", "m31", 31, 3);
    assertEquals(3, log.slots(), "a smaller history size keeps the newest");
    assertEquals(List.of("m29", "m30", "m31"), texts(log));
  }

  @Test
  void aClientIdOutlivesItsMessageForTenMinutesAMadeUpKeyDoesNot() {
    RoomLog log = new RoomLog("e1");
    append(log, "c-1", "first", 0, 1);
    append(log, " node:1", "second", 1, 1);
    append(log, " node:2", "third", 2, 1);
    // "first" and "second" are pushed out; c-1 is still known, " node:1" is not.
    RoomHistory.Appended again = append(log, "c-1", "first again", 3, 1);
    assertTrue(again.duplicate());
    assertEquals(1, again.entry().seq());
    assertNull(again.entry().message());
    // Ten minutes after it was stored, the id is forgotten (on the next append), and the made-up keys with it.
    append(log, " node:3", "later", 10 * MINUTE, 1);
    assertEquals(1, log.rememberedKeys());
    assertFalse(append(log, "c-1", "first, much later", 10 * MINUTE + 1, 1).duplicate());
  }

  @Test
  void withoutClientIdsOnlyTheRetainedMessagesKeysAreRemembered() {
    RoomLog log = new RoomLog("e1");
    for (int i = 1; i <= 100; i++) {
      append(log, " node:" + i, "m" + i, i, 3);
    }
    assertEquals(3, log.rememberedKeys());
  }

  @Test
  void aLogThatIsTheOthersPastGivesWayWithoutANewEpoch() {
    RoomLog before = new RoomLog("e1");
    RoomLog after = new RoomLog("e1");
    for (int i = 1; i <= 3; i++) {
      append(before, "k" + i, "m" + i, i, 10);
      append(after, "k" + i, "m" + i, i, 10);
    }
    append(after, "k4", "m4", 4, 10);
    assertSame(after, RoomLog.merge(before, after, "e2"));
    assertSame(after, RoomLog.merge(after, before, "e2"));
  }

  @Test
  void aSideFarAheadThatNoLongerShowsTheOthersNewestMessageHasDiverged() {
    RoomLog ours = new RoomLog("e1");
    RoomLog theirs = new RoomLog("e1");
    for (int i = 1; i <= 5; i++) {
      append(ours, " k" + i, "m" + i, i, 3);
      append(theirs, " k" + i, "m" + i, i, 3);
    }
    // The cut: the other side stores one more; this side goes on far past it, pushing out all it shared.
    append(theirs, "theirs-6", "theirs 6", 6, 3);
    for (int i = 6; i <= 20; i++) {
      append(ours, " ours" + i, "ours " + i, i, 3);
    }
    RoomLog merged = RoomLog.merge(ours, theirs, "e2");
    assertEquals("e2", merged.epoch());
    assertEquals(List.of("ours 19", "ours 20", "theirs 6"), texts(merged));
    assertEquals(List.of(19L, 20L, 21L), seqs(merged));
  }

  @Test
  void anEmptyLogGivesWayWhateverItsEpoch() {
    RoomLog ours = new RoomLog("e1");
    RoomLog theirs = new RoomLog("e7");
    append(theirs, "a", "a", 1, 3);
    assertSame(theirs, RoomLog.merge(ours, theirs, "e2"));
    assertSame(theirs, RoomLog.merge(theirs, ours, "e2"));
  }

  @Test
  void divergedLogsMergeUnderANewEpochWithEveryMessageOnce() {
    RoomLog ours = new RoomLog("e1");
    RoomLog theirs = new RoomLog("e1");
    for (int i = 1; i <= 2; i++) {
      append(ours, "k" + i, "m" + i, i, 10);
      append(theirs, "k" + i, "m" + i, i, 10);
    }
    // The partition: both sides sequence seq 3 and on, differently.
    append(ours, "ours-3", "ours 3", 3, 10);
    append(ours, "ours-4", "ours 4", 4, 10);
    append(theirs, "theirs-3", "theirs 3", 3, 10);
    RoomLog merged = RoomLog.merge(ours, theirs, "e2");
    assertEquals("e2", merged.epoch());
    assertEquals(List.of("m1", "m2", "ours 3", "ours 4", "theirs 3"), texts(merged));
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L), seqs(merged));
    RoomHistory.Appended retried = append(merged, "theirs-3", "theirs 3", 6, 10);
    assertTrue(retried.duplicate());
    assertEquals(5, retried.entry().seq());
    assertEquals(6, append(merged, "new", "after the merge", 7, 10).entry().seq());
  }

  @Test
  void aMergedLogCountsAsStoredToWhenEitherSideLastWas() {
    RoomLog ours = new RoomLog("e1");
    RoomLog theirs = new RoomLog("e1");
    append(ours, "ours-1", "ours 1", 1, 10);
    ours.markStored(5 * MINUTE);
    append(theirs, "theirs-1", "theirs 1", 1, 10);
    theirs.markStored(9 * MINUTE);
    RoomLog merged = RoomLog.merge(ours, theirs, "e2");
    assertEquals(9 * MINUTE, merged.storedAt(), "the room is as idle as its busier side, no more");
    merged.markStored(7 * MINUTE);
    assertEquals(9 * MINUTE, merged.storedAt(), "a node whose clock is behind does not make it look idler");
  }

  @Test
  void aStreamTheOtherSideStartedAfreshMergesUnderANewEpoch() {
    RoomLog ours = new RoomLog("e1");
    append(ours, "a", "a", 1, 3);
    append(ours, "b", "b", 2, 3);
    // The other side lost the room's stream with its owner and backup and began a new one.
    RoomLog theirs = new RoomLog("e9");
    append(theirs, "c", "c", 3, 3);
    append(theirs, "d", "d", 4, 3);
    RoomLog merged = RoomLog.merge(ours, theirs, "e2");
    assertNotEquals("e1", merged.epoch());
    // At most the history size is retained: the oldest gives way, but its key is still known.
    assertEquals(List.of("b", "c", "d"), texts(merged));
    assertEquals(List.of(2L, 3L, 4L), seqs(merged));
    assertTrue(append(merged, "a", "a again", 5, 3).duplicate());
  }
}
