package dev.chorus.protocol;

import java.util.List;

/** A message the server sends on /chat, encoded by {@link MessageCodec}. */
public sealed interface ServerMessage {

  /**
   * {@code {"type":"status","message":"alice joined the chat.","room":"dev","name":"alice","user":"u-17",
   * "meta":{...},"epoch":"..."}}: user only with JWT on (see {@link Sender}); meta (an encoded JSON object)
   * only when the member's join carried one; epoch, the room's, when known (null: not sent; never in a room
   * without history).
   */
  record Status(String room, Sender member, String message, String meta, String epoch) implements ServerMessage {
    public Status(String room, Sender member, String message, String meta) {
      this(room, member, message, meta, null);
    }

    /** The member's name. */
    public String name() {
      return member.name();
    }

    /** The same notice, naming the room's epoch. */
    public Status withEpoch(String roomEpoch) {
      return new Status(room, member, message, meta, roomEpoch);
    }

    public static Status joined(String room, String name) {
      return joined(room, Sender.named(name), null);
    }

    public static Status left(String room, String name) {
      return left(room, Sender.named(name), null);
    }

    public static Status joined(String room, Sender member, String meta) {
      return new Status(room, member, member.name() + " joined the chat.", meta);
    }

    public static Status left(String room, Sender member, String meta) {
      return new Status(room, member, member.name() + " left the chat.", meta);
    }
  }

  /**
   * {@code {"type":"chat","sender":"alice","user":"u-17","message":"hi","room":"dev","seq":42,"ts":1764000000000,
   * "id":"c-17"}}: sender the name shown, user (null: not sent) the sender's user with JWT on (see
   * {@link Sender}); seq is the message's position in its room (from 1, strictly increasing across the
   * cluster), ts the server's epoch millis when it was sequenced, id the sender's id for it (null: none, not
   * sent). In a room without history, seq is {@link #UNSEQUENCED} and not sent.
   */
  record Chat(String room, long seq, long ts, String sender, String user, String message, String id)
    implements ServerMessage {
    /** The seq of a chat in a room without history: it has none. */
    public static final long UNSEQUENCED = 0;

    public Chat(String room, long seq, long ts, Sender sender, String message, String id) {
      this(room, seq, ts, sender.name(), sender.user(), message, id);
    }

    /** A chat of a sender without a user (JWT off, or the admin API's). */
    public Chat(String room, long seq, long ts, String sender, String message, String id) {
      this(room, seq, ts, sender, null, message, id);
    }

    /** A chat without an id, of a sender without a user. */
    public Chat(String room, long seq, long ts, String sender, String message) {
      this(room, seq, ts, sender, null, message, null);
    }

    public boolean sequenced() {
      return seq != UNSEQUENCED;
    }
  }

  /**
   * {@code {"type":"ack","room":"dev","id":"c-17","seq":42,"epoch":"...","duplicate":true}}: to the sender of a
   * chat with an id, once it is stored; {@code duplicate} (sent only when true) when the room had stored that
   * id before, and seq is then the original's. In a room without history there is no seq nor epoch
   * ({@link Chat#UNSEQUENCED}, null): the chat was published, not stored.
   */
  record Ack(String room, String id, long seq, String epoch, boolean duplicate) implements ServerMessage {
  }

  /**
   * {@code {"type":"typing","room":"dev","name":"alice","user":"u-17"}}: to the room's other members (user
   * only with JWT on); no seq, not retained, the first thing dropped for a slow client.
   */
  record Typing(String room, Sender member) implements ServerMessage {
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
   * {@code {"type":"presence","room":"dev","members":["alice","bob"],"details":[{"name":"alice","user":"u-17",
   * "connections":2,"meta":{...}}],"count":2}}: the members in the room cluster-wide, sorted by name then user,
   * and per member its connections and the meta of its latest join ({@code {}} when it had none); user only
   * with JWT on (see {@link Sender}). {@code count} is the room's number of members, which is more than those
   * listed when the answer is cut (then {@code "truncated":true} is added).
   */
  record Presence(String room, List<String> members, List<Member> details, int count) implements ServerMessage {
    public Presence {
      members = List.copyOf(members);
      details = List.copyOf(details);
      if (count < members.size()) {
        throw new IllegalArgumentException("count " + count + " is less than the " + members.size() + " members listed");
      }
    }

    /** Whether the room has more names than are listed. */
    public boolean truncated() {
      return count > members.size();
    }

    /** One member's details; {@code meta} an encoded JSON object, or null for none. */
    public record Member(Sender member, int connections, String meta) {
      public Member(String name, int connections, String meta) {
        this(Sender.named(name), connections, meta);
      }

      public String name() {
        return member.name();
      }
    }
  }
}
