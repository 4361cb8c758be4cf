package dev.chorus.chat;

import dev.chorus.protocol.ChatError;
import dev.chorus.protocol.CloseCode;
import dev.chorus.protocol.ServerMessage;
import dev.chorus.support.FakeClientSocket;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Chat connections over fake sockets, without a network or a node ({@link ChatStack}).
 */
@Timeout(60)
class ChatConnectionTest {

  private static final Duration WAIT = Duration.ofSeconds(5);
  @RegisterExtension
  static final ChatStack STACK = new ChatStack();

  private static String joined(String name) {
    return ServerMessage.Status.joined(null, name).message();
  }

  private static String left(String name) {
    return ServerMessage.Status.left(null, name).message();
  }

  private static FakeClientSocket connect() {
    return STACK.connect();
  }

  private static void send(FakeClientSocket socket, JsonObject message) {
    STACK.on(() -> socket.receive(message.encode()));
  }

  private static JsonObject next(FakeClientSocket socket) {
    return new JsonObject(socket.next(WAIT));
  }

  @Test
  void joinNoticeThenChatWithSeqReachEveryMember() {
    String room = ChatStack.room();
    FakeClientSocket[] members = twoMembers(room);
    FakeClientSocket alice = members[0];
    FakeClientSocket bob = members[1];
    send(alice, new JsonObject().put("type", "chat").put("message", "hi"));
    for (FakeClientSocket member : List.of(alice, bob)) {
      JsonObject chat = next(member);
      assertEquals("chat", chat.getString("type"));
      assertEquals("alice", chat.getString("sender"));
      assertEquals("hi", chat.getString("message"));
      assertEquals(room, chat.getString("room"));
      assertEquals(1L, chat.getLong("seq"));
    }
  }

  @Test
  void chatBeforeJoinGetsTheSeedsError() {
    FakeClientSocket socket = connect();
    send(socket, new JsonObject().put("type", "chat").put("message", "hello?"));
    assertEquals(new JsonObject().put("type", "error").put("message", ChatError.INVALID_MESSAGE.text()),
      next(socket));
    assertTrue(socket.isOpen());
  }

  @Test
  void binaryMessageClosesWith1003() {
    FakeClientSocket socket = connect();
    STACK.on(() -> socket.receiveBinary(new byte[] {1, 2}));
    assertEquals(CloseCode.UNSUPPORTED_DATA, socket.closedWith());
  }

  @Test
  void disconnectSendsTheLeftNoticeAndLeavesPresence() {
    String room = ChatStack.room();
    FakeClientSocket alice = connect();
    FakeClientSocket bob = connect();
    send(alice, new JsonObject().put("type", "join").put("name", "alice").put("room", room));
    next(alice);
    send(bob, new JsonObject().put("type", "join").put("name", "bob").put("room", room));
    next(bob);
    next(alice);
    STACK.on(bob::disconnect);
    assertEquals(left("bob"), next(alice).getString("message"));
    send(alice, new JsonObject().put("type", "who"));
    assertEquals(List.of("alice"), next(alice).getJsonArray("members").getList());
  }

  @Test
  void resumeReplaysWhatWasMissedThenGoesLive() {
    String room = ChatStack.room();
    FakeClientSocket alice = connect();
    send(alice, new JsonObject().put("type", "join").put("name", "alice").put("room", room));
    next(alice);
    for (int i = 1; i <= 3; i++) {
      send(alice, new JsonObject().put("type", "chat").put("message", "m" + i));
      assertEquals(i, next(alice).getLong("seq"));
    }
    FakeClientSocket late = connect();
    send(late, new JsonObject().put("type", "join").put("name", "late").put("room", room).put("since", 1));
    assertEquals("m2", next(late).getString("message"));
    assertEquals("m3", next(late).getString("message"));
    assertEquals(joined("late"), next(late).getString("message"));
    send(alice, new JsonObject().put("type", "chat").put("message", "m4"));
    JsonObject live = next(late);
    assertEquals("m4", live.getString("message"));
    assertEquals(4L, live.getLong("seq"));
  }

  @Test
  void theFirstJoinFixesTheName() {
    FakeClientSocket socket = connect();
    String first = ChatStack.room();
    String second = ChatStack.room();
    send(socket, new JsonObject().put("type", "join").put("name", "alice").put("room", first));
    assertEquals(joined("alice"), next(socket).getString("message"));
    send(socket, new JsonObject().put("type", "join").put("name", "mallory").put("room", second));
    JsonObject notice = next(socket);
    assertEquals(joined("alice"), notice.getString("message"));
    assertEquals(second, notice.getString("room"));
  }

  @Test
  void aJoinBeyondTheRoomLimitIsRefusedNamingTheRoom() {
    FakeClientSocket socket = connect();
    int limit = STACK.settings.limits().maxRoomsPerConnection();
    for (int i = 0; i < limit; i++) {
      send(socket, new JsonObject().put("type", "join").put("name", "alice").put("room", ChatStack.room()));
      assertEquals(joined("alice"), next(socket).getString("message"));
    }
    String oneMore = ChatStack.room();
    send(socket, new JsonObject().put("type", "join").put("name", "alice").put("room", oneMore));
    assertEquals(new JsonObject().put("type", "error").put("message", ChatError.TOO_MANY_ROOMS.text())
      .put("room", oneMore), next(socket));
  }

  @Test
  void chatAndWhoWithoutARoomInSeveralRoomsAskForTheRoom() {
    FakeClientSocket socket = connect();
    for (int i = 0; i < 2; i++) {
      send(socket, new JsonObject().put("type", "join").put("name", "alice").put("room", ChatStack.room()));
      assertEquals(joined("alice"), next(socket).getString("message"));
    }
    JsonObject roomRequired = new JsonObject().put("type", "error").put("message", ChatError.ROOM_REQUIRED.text());
    send(socket, new JsonObject().put("type", "chat").put("message", "where does this go?"));
    assertEquals(roomRequired, next(socket));
    send(socket, new JsonObject().put("type", "who"));
    assertEquals(roomRequired, next(socket));
    assertTrue(socket.isOpen());
  }

  /** Two members of a fresh room, with both join notices read. */
  private static FakeClientSocket[] twoMembers(String room) {
    FakeClientSocket alice = connect();
    FakeClientSocket bob = connect();
    send(alice, new JsonObject().put("type", "join").put("name", "alice").put("room", room));
    assertEquals(joined("alice"), next(alice).getString("message"));
    send(bob, new JsonObject().put("type", "join").put("name", "bob").put("room", room));
    assertEquals(joined("bob"), next(bob).getString("message"));
    assertEquals(joined("bob"), next(alice).getString("message"));
    return new FakeClientSocket[] {alice, bob};
  }

  @Test
  void aClientWhoseQueueIsFullStillGetsItsAckButNotTheBigAnswers() {
    String room = ChatStack.room();
    FakeClientSocket alice = twoMembers(room)[0];
    STACK.on(() -> alice.congested(true));
    send(alice, new JsonObject().put("type", "chat").put("message", "hi").put("id", "c-1"));
    JsonObject ack = next(alice);
    assertEquals("ack", ack.getString("type"), "a small reply goes out past a full queue, so no ack is lost");
    assertEquals("c-1", ack.getString("id"));
    send(alice, new JsonObject().put("type", "who").put("room", room));
    send(alice, new JsonObject().put("type", "chat").put("message", "again").put("id", "c-2"));
    assertEquals("c-2", next(alice).getString("id"), "the who answer and the room's chats were dropped, not queued");
    assertTrue(alice.dropped() >= 1, "the room's chat to alice was dropped: " + alice.dropped());
  }

  @Test
  void typingReachesTheOthersNotTheSenderAtMostOnceASecond() {
    String room = ChatStack.room();
    FakeClientSocket[] members = twoMembers(room);
    FakeClientSocket alice = members[0];
    FakeClientSocket bob = members[1];
    String typing = new JsonObject().put("type", "typing").put("room", room).encode();
    // Both in one turn of the event loop: well within the second.
    STACK.on(() -> {
      alice.receive(typing);
      alice.receive(typing);
    });
    assertEquals(new JsonObject().put("type", "typing").put("room", room).put("name", "alice"), next(bob));
    send(alice, new JsonObject().put("type", "chat").put("message", "hi"));
    // The second typing within the second was dropped, and alice never hears her own: the chat comes next.
    assertEquals("hi", next(bob).getString("message"));
    assertEquals("hi", next(alice).getString("message"));
  }

  @Test
  void typingIsTheFirstThingDroppedForASocketShortOfRoom() {
    String room = ChatStack.room();
    FakeClientSocket[] members = twoMembers(room);
    members[1].halfFull(true);
    send(members[0], new JsonObject().put("type", "typing").put("room", room));
    send(members[0], new JsonObject().put("type", "chat").put("message", "still delivered"));
    assertEquals("still delivered", next(members[1]).getString("message"));
  }

  @Test
  void typingInARoomNotJoinedIsAnsweredLikeAChat() {
    FakeClientSocket socket = connect();
    String room = ChatStack.room();
    send(socket, new JsonObject().put("type", "join").put("name", "alice").put("room", room));
    assertEquals(joined("alice"), next(socket).getString("message"));
    send(socket, new JsonObject().put("type", "typing").put("room", "elsewhere"));
    assertEquals(new JsonObject().put("type", "error").put("message", ChatError.NOT_IN_ROOM.text())
      .put("room", "elsewhere"), next(socket));
  }
}
