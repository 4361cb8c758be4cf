package dev.chorus.chat;

import dev.chorus.config.Settings;
import dev.chorus.hub.Replays;
import dev.chorus.protocol.Sender;
import dev.chorus.protocol.ServerMessage;
import dev.chorus.support.Await;
import dev.chorus.support.FakeClientSocket;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * One connection's place in one room, over fake sockets ({@link ChatStack}): the join notice after the
 * subscription has its position, presence kept in step, the leave notice never ahead of the join notice,
 * and a resume that replays before it goes live. Memberships are created here as ChatConnection does.
 */
@Timeout(60)
class RoomMembershipTest {

  private static final Duration WAIT = Duration.ofSeconds(5);
  /** The options of rooms without a namespace, by default. */
  private static final Settings.RoomOptions PUBLIC = new Settings.RoomOptions(false, "members", true, 1000, true, false);
  @RegisterExtension
  static final ChatStack STACK = new ChatStack();

  /** A membership for a fresh socket, with its own presence queue, as a connection would make it. */
  private static Member join(String room, String name, Long since) {
    FakeClientSocket socket = new FakeClientSocket("/chat");
    SerialQueue presenceQueue = new SerialQueue();
    String connection = UUID.randomUUID().toString();
    RoomMembership membership = STACK.call(() -> RoomMembership.join(STACK.services, socket, room, PUBLIC,
      RoomAccess.Grant.OPEN, Sender.named(name), null, since, null, connection, presenceQueue, new Replays()));
    return new Member(socket, membership);
  }

  private record Member(FakeClientSocket socket, RoomMembership membership) {
    String next() {
      return new JsonObject(socket.next(WAIT)).getString("message");
    }
  }

  /** Alice, then Bob, joined to the room, with the join notices read. */
  private static List<Member> aliceAndBob(String room) {
    Member alice = join(room, "alice", null);
    assertEquals(joined("alice"), alice.next());
    Member bob = join(room, "bob", null);
    assertEquals(joined("bob"), bob.next());
    assertEquals(joined("bob"), alice.next());
    return List.of(alice, bob);
  }

  private static List<String> members(String room) {
    return STACK.call(() -> STACK.services.presence().members(room)).await();
  }

  private static String joined(String name) {
    return ServerMessage.Status.joined(null, name).message();
  }

  private static String left(String name) {
    return ServerMessage.Status.left(null, name).message();
  }

  @Test
  void joinEntersPresenceAndAnnouncesTheMemberToTheRoomIncludingItself() {
    String room = ChatStack.room();
    Member alice = join(room, "alice", null);
    assertEquals(joined("alice"), alice.next());
    assertEquals(List.of("alice"), members(room));
    Member bob = join(room, "bob", null);
    assertEquals(joined("bob"), bob.next());
    assertEquals(joined("bob"), alice.next());
    assertEquals(List.of("alice", "bob"), members(room));
  }

  @Test
  void leaveAnswersAtOnceThenLeavesPresenceAndTellsTheRoom() {
    String room = ChatStack.room();
    List<Member> both = aliceAndBob(room);
    Member alice = both.get(0);
    Member bob = both.get(1);
    STACK.on(() -> bob.membership().leave(bob.socket()));
    assertEquals(left("bob"), bob.next());
    assertEquals(left("bob"), alice.next());
    assertEquals(List.of("alice"), members(room));
    assertEquals(List.of(), STACK.call(bob.socket()::drain), "a member who left hears nothing more");
  }

  @Test
  void aLeaveRightAfterTheJoinIsAnnouncedAfterTheJoin() {
    String room = ChatStack.room();
    Member watcher = join(room, "watcher", null);
    assertEquals(joined("watcher"), watcher.next());
    FakeClientSocket socket = new FakeClientSocket("/chat");
    SerialQueue presenceQueue = new SerialQueue();
    STACK.on(() -> {
      RoomMembership quick = RoomMembership.join(STACK.services, socket, room, PUBLIC, RoomAccess.Grant.OPEN,
        Sender.named("quick"), null, null, null, "quick-connection", presenceQueue, new Replays());
      quick.closed();
    });
    assertEquals(joined("quick"), new JsonObject(watcher.socket().next(WAIT)).getString("message"));
    assertEquals(left("quick"), new JsonObject(watcher.socket().next(WAIT)).getString("message"));
    Await.until(() -> members(room).equals(List.of("watcher")), WAIT, "quick out of presence");
  }

  @Test
  void closedLeavesPresenceAndTellsTheOthersButWritesNothingToItsSocket() {
    String room = ChatStack.room();
    List<Member> both = aliceAndBob(room);
    Member alice = both.get(0);
    Member bob = both.get(1);
    STACK.on(() -> bob.membership().closed());
    assertEquals(left("bob"), alice.next());
    assertEquals(List.of("alice"), members(room));
    assertEquals(List.of(), STACK.call(bob.socket()::drain));
  }

  @Test
  void aResumingMemberGetsTheRetainedMessagesBeforeItsOwnJoinNotice() {
    String room = ChatStack.room();
    for (int i = 1; i <= 3; i++) {
      String text = "m" + i;
      STACK.call(() -> STACK.services.publisher().publishChat(room, null, Sender.named("earlier"), text)).await();
    }
    Member late = join(room, "late", 1L);
    assertEquals("m2", late.next());
    assertEquals("m3", late.next());
    assertEquals(joined("late"), late.next());
  }
}
