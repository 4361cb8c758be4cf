package dev.chorus.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeliveryLedgerTest {

  @Test
  void everyMessageToEveryReceiverIsNothingLost() {
    DeliveryLedger ledger = new DeliveryLedger(3, 2);
    for (int s = 0; s < 2; s++) {
      long seq = ledger.sent(s);
      for (int r = 0; r < 3; r++) {
        assertTrue(ledger.received(r, s, seq));
      }
    }
    assertEquals(2, ledger.published());
    assertEquals(6, ledger.expected());
    assertEquals(6, ledger.delivered());
    assertEquals(0, ledger.lost());
  }

  @Test
  void aMissingDeliveryIsLost() {
    DeliveryLedger ledger = new DeliveryLedger(2, 1);
    long first = ledger.sent(0);
    long second = ledger.sent(0);
    ledger.received(0, 0, first);
    ledger.received(0, 0, second);
    ledger.received(1, 0, second);
    assertEquals(1, ledger.lost());
  }

  @Test
  void duplicatesDoNotHideALoss() {
    DeliveryLedger ledger = new DeliveryLedger(1, 1);
    long first = ledger.sent(0);
    ledger.sent(0);
    assertTrue(ledger.received(0, 0, first));
    assertFalse(ledger.received(0, 0, first));
    assertEquals(1, ledger.duplicates());
    assertEquals(1, ledger.lost());
  }

  @Test
  void lateDeliveryCountsAsOutOfOrderNotLost() {
    DeliveryLedger ledger = new DeliveryLedger(1, 1);
    long first = ledger.sent(0);
    long second = ledger.sent(0);
    ledger.received(0, 0, second);
    ledger.received(0, 0, first);
    assertEquals(1, ledger.outOfOrder());
    assertEquals(0, ledger.lost());
  }

  @Test
  void unknownSenderIsIgnored() {
    DeliveryLedger ledger = new DeliveryLedger(1, 1);
    assertFalse(ledger.received(0, 5, 0));
    assertEquals(0, ledger.delivered());
  }
}
