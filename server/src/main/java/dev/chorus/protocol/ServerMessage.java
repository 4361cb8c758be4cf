package dev.chorus.protocol;

import java.util.List;

/** A message the server sends on /chat, encoded by {@link MessageCodec}. */
public sealed interface ServerMessage {

  /**
   * {@code {"type":"status","message":"alice joined the chat.","room":"dev","name":"alice","meta":{...}}}: meta
   * (an encoded JSON object) only when the member's join carried one.
   */
  record Status(String room, String name, String message, String meta) implements ServerMessage {
    public static Status joined(String room, String name) {
      return joined(room, name, null);
    }

    public static Status left(String room, String name) {
      return left(room, name, null);
    }

    public static Status joined(String room, String name, String meta) {
      return new Status(room, name, name + " joined the chat.", meta);
    }

    public static Status left(String room, String name, String meta) {
      return new Status(room, name, name + " left the chat.", meta);
    }
  }

  /**
   * {@code {"type":"chat","sender":"alice","message":"hi","room":"dev","seq":42,"ts":1764000000000}}: seq
   * is the message's position in its room (from 1, strictly increasing across the cluster), ts the server's
   * epoch millis when it was sequenced. In a room without history, seq is {@link #UNSEQUENCED} and not sent.
   */
  record Chat(String room, long seq, long ts, String sender, String message) implements ServerMessage {
    /** The seq of a chat in a room without history: it has none. */
    public static final long UNSEQUENCED = 0;

    public boolean sequenced() {
      return seq != UNSEQUENCED;
    }
  }

  /**
   * {@code {"type":"typing","room":"dev","name":"alice"}}: to the room's other members; no seq, not retained,
   * the first thing dropped for a slow client.
   */
  record Typing(String room, String name) implements ServerMessage {
  }

  /** {@code {"type":"direct","sender":"ops","message":"...","ts":1764000000000}}: to one user's connections. */
  record Direct(String sender, String message, long ts) implements ServerMessage {
  }

  /** {@code {"type":"refreshed","exp":1764003600}}: the answer to a refresh; exp in epoch seconds (0: none). */
  record Refreshed(long exp) implements ServerMessage {
  }

  /** {@code {"type":"error","message":"...","room":"dev"}}: sent to one client only; room when it concerns one. */
  record Error(String message, String room) implements ServerMessage {
    public Error(String message) {
      this(message, null);
    }
  }

  /**
   * {@code {"type":"presence","room":"dev","members":["alice","bob"],"details":[{"name":"alice","connections":2,
   * "meta":{...}}]}}: names in the room cluster-wide, sorted, and per name its connections and the meta of its
   * latest join ({@code {}} when it had none).
   */
  record Presence(String room, List<String> members, List<Member> details) implements ServerMessage {
    public Presence {
      members = List.copyOf(members);
      details = List.copyOf(details);
    }

    /** One name's details; {@code meta} an encoded JSON object, or null for none. */
    public record Member(String name, int connections, String meta) {
    }
  }
}
