package dev.chorus.cluster;

import com.hazelcast.config.ClasspathXmlConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.FileSystemXmlConfig;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.config.TcpIpConfig;
import dev.chorus.config.Settings;

import java.io.FileNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Builds the Hazelcast configuration of a node: cluster.xml from the working directory when present, else
 * the packaged copy, with the cluster settings applied on top (name, bind address, port, TCP-IP members).
 */
public final class ClusterConfigFactory {

  /** The file name looked up in the working directory and on the classpath. */
  public static final String CLUSTER_XML = "cluster.xml";

  private ClusterConfigFactory() {
  }

  /** The Hazelcast configuration for these settings, reading cluster.xml relative to {@code workingDir}. */
  public static Config create(Settings.Cluster cluster, Path workingDir) {
    Config config = load(workingDir.resolve(CLUSTER_XML));
    config.setClusterName(cluster.name());
    config.setProperty("hazelcast.local.localAddress", cluster.host());
    config.setProperty("hazelcast.socket.bind.any", "false");

    NetworkConfig network = config.getNetworkConfig();
    network.setPort(cluster.port()).setPortAutoIncrement(false);
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    TcpIpConfig tcpIp = join.getTcpIpConfig().setEnabled(true);
    tcpIp.setMembers(members(cluster));
    return config;
  }

  /** The configured members, or this node alone. A member without a port uses the default 5701. */
  static List<String> members(Settings.Cluster cluster) {
    if (cluster.members().isEmpty()) {
      return List.of(cluster.host() + ":" + cluster.port());
    }
    return cluster.members();
  }

  private static Config load(Path file) {
    try {
      return Files.isRegularFile(file) ? new FileSystemXmlConfig(file.toFile()) : new ClasspathXmlConfig(CLUSTER_XML);
    } catch (FileNotFoundException e) {
      throw new IllegalStateException(file + " disappeared while loading", e);
    }
  }
}
