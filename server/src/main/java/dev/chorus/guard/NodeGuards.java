package dev.chorus.guard;

import dev.chorus.config.Settings;
import dev.chorus.metrics.ChorusMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.OptionalLong;

/**
 * The guard state one node shares across its verticle instances: the open-connection count (the node's one
 * count of open WebSockets, also behind GET /api/cluster; its limit is limits.maxConnections, lowered to fit
 * the process's open-file limit) and the counters of what was refused or closed, both reported to the node's
 * {@link ChorusMetrics}.
 */
public final class NodeGuards {

  private static final Logger LOG = LoggerFactory.getLogger(NodeGuards.class);

  private final ConnectionLimiter connections;
  private final GuardCounters counters;
  private final ChorusMetrics metrics;

  public NodeGuards(Settings.Limits limits, ChorusMetrics metrics) {
    this.connections = new ConnectionLimiter(connectionLimit(limits.maxConnections(), OpenFileLimit.current()));
    this.counters = new GuardCounters(metrics);
    this.metrics = metrics;
  }

  private static int connectionLimit(int configured, OptionalLong openFiles) {
    int limit = OpenFileLimit.connectionLimit(configured, openFiles);
    if (limit < configured) {
      LOG.warn("limits.maxConnections (MAX_CONNECTIONS) is {} but the open-file limit is {}: this node accepts at most {} "
        + "WebSockets (raise the hard limit: ulimit -Hn, or the container's nofile hard value)", configured,
        openFiles.getAsLong(), limit);
    }
    return limit;
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
