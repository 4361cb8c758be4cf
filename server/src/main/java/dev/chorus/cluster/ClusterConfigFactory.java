package dev.chorus.cluster;

import com.hazelcast.config.ClasspathXmlConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.FileSystemXmlConfig;
import com.hazelcast.config.JavaSerializationFilterConfig;
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
 * the packaged copy, with the cluster settings applied on top (name, bind address, port, TCP-IP members), and
 * the Java serialization filter of {@link #serializationFilter()}.
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
    config.getSerializationConfig().setJavaSerializationFilterConfig(serializationFilter());
    return config;
  }

  /**
   * Which classes a member may Java-deserialize from its peers' data; any other is refused before it is loaded,
   * so its readObject never runs. Chorus's own (presence's entry processors are Java-serialized records; the rest
   * is strings, byte arrays and IdentifiedDataSerializable), Vert.x's, and Hazelcast's default list
   * ({@code com.hazelcast.}, {@code java}, arrays: exceptions travelling back from remote operations,
   * collections), less the JDK packages that hold known deserialization gadgets (JMX, RMI, JNDI, beans,
   * scripting, Swing, AWT, XML). A peer's object of any other class, such as a gadget of a library on the
   * classpath, fails to deserialize.
   */
  public static JavaSerializationFilterConfig serializationFilter() {
    JavaSerializationFilterConfig filter = new JavaSerializationFilterConfig().setDefaultsDisabled(false);
    filter.getWhitelist().addPrefixes("dev.chorus.", "io.vertx.");
    filter.getBlacklist().addPrefixes("javax.management.", "java.rmi.", "javax.naming.", "java.beans.",
      "javax.script.", "javax.swing.", "javax.xml.", "java.awt.");
    return filter;
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
