package dev.chorus.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchOptionsTest {

  @Test
  void echoDefaultsToFiftyConnectionsClosedLoopAgainstLocalEcho() {
    BenchOptions options = BenchOptions.parse("echo");
    assertEquals(List.of("ws://127.0.0.1:8080/echo"), options.urls());
    assertEquals(50, options.connections());
    assertTrue(options.closedLoop());
    assertEquals(Duration.ofSeconds(10), options.duration());
    assertFalse(options.json());
    assertFalse(options.deflate());
  }

  @Test
  void fanoutSpreadsClientsOverUrlsRoundRobin() {
    BenchOptions options = BenchOptions.parse("fanout", "--url", "ws://a/chat,ws://b/chat", "--rate", "20",
      "--connections", "4", "--senders=2", "--json", "--deflate", "--pid", "12,34");
    assertEquals(List.of("ws://a/chat", "ws://b/chat", "ws://a/chat", "ws://b/chat"),
      List.of(options.urlOf(0), options.urlOf(1), options.urlOf(2), options.urlOf(3)));
    assertEquals(2, options.senders());
    assertEquals(List.of(12L, 34L), options.pids());
    assertTrue(options.json());
    assertTrue(options.deflate(), "--deflate is a flag");
  }

  @Test
  void holdSpreadsConnectionsOverLoopbackSourceAddresses() {
    BenchOptions options = BenchOptions.parse("hold", "--sources", "3");
    assertEquals(List.of("127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.1"),
      List.of(options.sourceAddress(0), options.sourceAddress(1), options.sourceAddress(2), options.sourceAddress(3)));
  }

  @ParameterizedTest(name = "{0} opens {1}")
  @CsvSource({
    "ws://127.0.0.1:19101, ws://127.0.0.1:19101/socket.io/?EIO=4&transport=websocket",
    "ws://127.0.0.1:19101/, ws://127.0.0.1:19101/socket.io/?EIO=4&transport=websocket",
    "ws://h:1/socket.io/?EIO=4&transport=websocket, ws://h:1/socket.io/?EIO=4&transport=websocket"})
  void socketIoClientsOpenSocketIosWebSocketPathUnlessGivenOne(String url, String opened) {
    BenchOptions options = BenchOptions.parse("fanout", "--protocol", "socketio", "--url", url, "--rate", "5");
    assertEquals(ChatProtocol.SOCKETIO, options.protocol());
    assertEquals(opened, options.urlOf(0));
  }

  @Test
  void chatFramesAreTheChatProtocolsJsonOrSocketIoEventsCarryingIt() {
    String join = "{\"type\":\"join\",\"name\":\"bench-1\"}";
    assertEquals(join, ChatProtocol.CHORUS.frame("join", join));
    assertEquals("42[\"join\"," + join + "]", ChatProtocol.SOCKETIO.frame("join", join));
    assertEquals(ChatProtocol.CHORUS, BenchOptions.parse("fanout", "--rate", "5").protocol());
  }

  @ParameterizedTest(name = "{0} is {1} ms")
  @CsvSource({"10s, 10000", "500ms, 500", "2m, 120000", "1.5, 1500", "0.25s, 250"})
  void durationsTakeUnits(String text, long millis) {
    assertEquals(Duration.ofMillis(millis), BenchOptions.parseDuration(text));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
    "no command | ''",
    "unknown command | bogus",
    "unknown option | echo --conections 5",
    "zero connections | echo --connections 0",
    "negative rate | echo --rate -1",
    "fanout without rate | fanout",
    "more senders than clients | fanout --rate 5 --connections 2 --senders 3",
    "missing value | echo --connections",
    "bad duration | echo --duration soon",
    "compare without files | compare",
    "too many sources | hold --sources 300",
    "unknown protocol | fanout --rate 5 --protocol mqtt",
    "socket.io echo | echo --protocol socketio"})
  void misuseIsRejected(String name, String args) {
    String[] argv = args.isEmpty() ? new String[0] : args.split(" ");
    assertThrows(IllegalArgumentException.class, () -> BenchOptions.parse(argv));
  }
}
