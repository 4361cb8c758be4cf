package dev.chorus.hub;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The per-room ordering stage: seq order, once each, gaps held and filled. */
class RoomFeedTest {

  /** Seqs handed out, and -(last skipped seq) where a gap was skipped. */
  private final List<Long> delivered = new ArrayList<>();
  private final RoomFeed feed = new RoomFeed((json, seq) -> {
    assertEquals("m" + seq, new String(json, StandardCharsets.UTF_8));
    delivered.add(seq);
  }, lastSkipped -> delivered.add(-lastSkipped));

  private void offer(long... seqs) {
    for (long seq : seqs) {
      feed.offer(seq, bytes(seq));
    }
  }

  private static byte[] bytes(long seq) {
    return ("m" + seq).getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void inOrderArrivalsPassStraightThrough() {
    feed.start(10);
    offer(11, 12, 13);
    assertEquals(List.of(11L, 12L, 13L), delivered);
    assertFalse(feed.hasGap());
  }

  @Test
  void arrivalsAheadWaitForTheMissingOne() {
    feed.start(0);
    offer(2, 3);
    assertEquals(List.of(), delivered);
    assertTrue(feed.hasGap());
    assertEquals(1, feed.gapEnd());
    offer(1);
    assertEquals(List.of(1L, 2L, 3L), delivered);
    assertFalse(feed.hasGap());
  }

  @Test
  void duplicatesAndOldSeqsAreDropped() {
    feed.start(5);
    offer(6, 4, 5, 6, 5, 7);
    assertEquals(List.of(6L, 7L), delivered);
  }

  @Test
  void beforeStartEverythingWaitsThenGoesOutEvenIfTheStartCountsIt() {
    offer(3, 4, 5);
    assertEquals(List.of(), delivered);
    feed.start(4);
    assertEquals(List.of(3L, 4L, 5L), delivered);
    assertEquals(5, feed.position());
  }

  @Test
  void aLateArrivalBeforeAnythingWentOutMovesTheStartBack() {
    feed.start(5);
    offer(4);
    assertEquals(List.of(4L), delivered);
    assertEquals(4, feed.position());
    assertFalse(feed.hasGap());
    offer(6);
    assertTrue(feed.hasGap());
    assertEquals(5, feed.gapEnd());
    offer(5);
    assertEquals(List.of(4L, 5L, 6L), delivered);
    offer(3);
    assertEquals(List.of(4L, 5L, 6L), delivered);
  }

  @Test
  void aGapBeforeStartIsAGapLikeAnyOther() {
    offer(3, 5);
    feed.start(5);
    assertEquals(List.of(3L), delivered);
    assertTrue(feed.hasGap());
    assertEquals(4, feed.gapEnd());
  }

  @Test
  void gapIsFilledFromHistory() {
    feed.start(0);
    offer(3);
    Map<Long, byte[]> history = new TreeMap<>(Map.of(1L, bytes(1), 2L, bytes(2)));
    feed.fill(history, 0, 2);
    assertEquals(List.of(1L, 2L, 3L), delivered);
  }

  @Test
  void whatHistoryNoLongerHasIsSkippedAndMarkedInItsPlace() {
    feed.start(0);
    offer(5);
    feed.fill(new TreeMap<>(Map.of(3L, bytes(3))), 0, 4);
    assertEquals(List.of(-2L, 3L, -4L, 5L), delivered);
    assertFalse(feed.hasGap());
  }

  @Test
  void aLiveArrivalAfterItsFillIsNotDeliveredTwice() {
    feed.start(0);
    offer(2);
    feed.fill(new TreeMap<>(Map.of(1L, bytes(1))), 0, 1);
    offer(1, 2);
    assertEquals(List.of(1L, 2L), delivered);
  }

  @Test
  void seqsBelowTheRangeThatWasReadAreNeverSkipped() {
    feed.start(10);
    offer(12);
    // The read for 10 < seq <= 11 is under way when 8, sequenced before the start, arrives: the feed moves back.
    offer(8);
    feed.fill(new TreeMap<>(Map.of(11L, bytes(11))), 10, 11);
    assertEquals(List.of(8L), delivered, "9 and 10 were not read, so they are not skipped");
    assertTrue(feed.hasGap());
    assertEquals(10, feed.gapEnd());
    feed.fill(new TreeMap<>(Map.of(9L, bytes(9), 10L, bytes(10))), 8, 10);
    assertEquals(List.of(8L, 9L, 10L, 11L, 12L), delivered);
  }
}
