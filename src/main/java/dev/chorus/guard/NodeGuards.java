package dev.chorus.guard;

import dev.chorus.config.Settings;
import dev.chorus.metrics.ChorusMetrics;

/**
 * The guard state one node shares across its verticle instances: the open-connection count (the node's one
 * count of open WebSockets, also behind GET /api/cluster) and the counters of what was refused or closed, both
 * reported to the node's {@link ChorusMetrics}.
 */
public final class NodeGuards {

  private final ConnectionLimiter connections;
  private final GuardCounters counters;
  private final ChorusMetrics metrics;

  public NodeGuards(Settings.Limits limits, ChorusMetrics metrics) {
    this.connections = new ConnectionLimiter(limits.maxConnections());
    this.counters = new GuardCounters(metrics);
    this.metrics = metrics;
  }

  public ConnectionLimiter connections() {
    return connections;
  }

  public GuardCounters counters() {
    return counters;
  }

  public ChorusMetrics metrics() {
    return metrics;
  }
}
