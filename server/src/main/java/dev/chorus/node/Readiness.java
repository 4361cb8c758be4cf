package dev.chorus.node;

/**
 * Whether this node should receive traffic: true once it has joined the cluster and every verticle's
 * event-bus subscription is registered cluster-wide, false again as soon as it starts shutting down.
 * Shared by all verticle instances of a node.
 */
public final class Readiness {

  private volatile boolean joined;
  private volatile boolean draining;

  /** Called once the node's subscriptions are registered cluster-wide. */
  public void markJoined() {
    joined = true;
  }

  /** Called when shutdown starts: the node stops being ready for good. */
  public void markDraining() {
    draining = true;
  }

  public boolean isReady() {
    return joined && !draining;
  }

  /** Whether the node's subscriptions are registered cluster-wide (it stays true while draining). */
  public boolean isJoined() {
    return joined;
  }

  /** Whether shutdown has started. */
  public boolean isDraining() {
    return draining;
  }
}
