package dev.chorus.guard;

import dev.chorus.config.Settings;

/**
 * The guard state one node shares across its verticle instances: the open-connection count and the
 * counters of what was refused or closed.
 */
public final class NodeGuards {

  private final ConnectionLimiter connections;
  private final GuardCounters counters = new GuardCounters();

  public NodeGuards(Settings.Limits limits) {
    this.connections = new ConnectionLimiter(limits.maxConnections());
  }

  public ConnectionLimiter connections() {
    return connections;
  }

  public GuardCounters counters() {
    return counters;
  }
}
