package dev.chorus.cluster;

/** Event-bus addresses used by Chorus, and the headers of their envelopes, in one place. */
public final class Addresses {

  /** Chat and status messages of every room; every node subscribes, each delivers to its own sockets. */
  public static final String ROOM_BROADCAST = "chorus.rooms";

  /**
   * Within one node: the room broadcasts {@code broker.RoomRelay} verified, for every verticle instance (local
   * consumers only; never on the network).
   */
  public static final String ROOM_LOCAL = "chorus.rooms.local";

  /** Envelope header carrying the room a broadcast belongs to. */
  public static final String ROOM_HEADER = "room";

  /** Envelope header carrying a chat message's seq, so receivers order and deduplicate without parsing. */
  public static final String SEQ_HEADER = "seq";
  /** Header: the epoch a chat message's seq counts in. */
  public static final String EPOCH_HEADER = "epoch";

  /**
   * Envelope header marking an ephemeral message (typing): its value is the sending connection's id, whose
   * own sockets skip it.
   */
  public static final String EPHEMERAL_FROM_HEADER = "ephemeral-from";

  /** Headers of a subscription probe (broker.SubscriptionProbe): the node it is for, and the node it is from. */
  public static final String PROBE_FOR_HEADER = "probe-for";
  public static final String PROBE_FROM_HEADER = "probe-from";

  /** Envelope header carrying the publisher's wall clock in epoch microseconds, for the latency histogram. */
  public static final String PUBLISHED_AT_HEADER = "published-us";

  private Addresses() {
  }
}
