package dev.chorus.protocol;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** How stores keep a sender in one string, and read back what they kept before senders had users. */
class SenderTest {

  @Test
  void aSenderWithAUserComesBackWhole() {
    Sender alice = new Sender("Alice", "idp|1001");
    assertEquals(alice, Sender.fromStored(alice.stored()));
    assertEquals("idp|1001", alice.userId());
  }

  @Test
  void aNameAloneIsASenderWithoutUserAsStoresKeptItBefore() {
    assertEquals(Sender.named("bob"), Sender.fromStored("bob"));
    assertEquals("bob", Sender.named("bob").stored());
    assertEquals("bob", Sender.named("bob").userId());
  }

  @Test
  void twoUsersSharingANameAreStoredApart() {
    assertEquals(false, new Sender("Alice", "a-1").stored().equals(new Sender("Alice", "a-2").stored()));
  }
}
