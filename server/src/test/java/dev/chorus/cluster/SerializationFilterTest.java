package dev.chorus.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.nio.serialization.HazelcastSerializationException;
import dev.chorus.config.Settings;
import dev.chorus.support.Await;
import dev.chorus.support.FreePorts;
import dev.chorus.support.TestNodes;
import gadget.Gadget;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.management.BadAttributeValueExpException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A Chorus member (ClusterConfigFactory's configuration) refuses to Java-deserialize a peer's object of a class
 * its filter does not list, before the class's readObject runs; a peer without the filter would run it.
 */
@Timeout(90)
class SerializationFilterTest {

  private final List<HazelcastInstance> members = new ArrayList<>();

  @AfterEach
  void shutDown() {
    members.forEach(HazelcastInstance::shutdown);
  }

  private HazelcastInstance start(Config config) {
    HazelcastInstance member = Hazelcast.newHazelcastInstance(config);
    members.add(member);
    return member;
  }

  @Test
  void aPeersObjectOfAnUnlistedClassIsRefusedBeforeItsReadObjectRuns() {
    String name = TestNodes.uniqueClusterName();
    int port = FreePorts.next();
    Settings.Cluster node = new Settings.Cluster(name, "127.0.0.1", port, List.of(), 0, "", "");
    HazelcastInstance chorus = start(ClusterConfigFactory.create(node, Path.of("target")));
    Settings.Cluster peerSettings = new Settings.Cluster(name, "127.0.0.1", FreePorts.next(),
      List.of("127.0.0.1:" + port), 0, "", "");
    Config peerConfig = ClusterConfigFactory.create(peerSettings, Path.of("target"));
    peerConfig.getSerializationConfig().setJavaSerializationFilterConfig(null);
    HazelcastInstance peer = start(peerConfig);
    Await.until(() -> chorus.getCluster().getMembers().size() == 2, Duration.ofSeconds(30), "the peer joined");

    IMap<String, Object> written = peer.getMap("loot");
    written.put("gadget", new Gadget());
    written.put("jdk-gadget", new BadAttributeValueExpException("payload"));
    ArrayList<String> names = new ArrayList<>(List.of("alice", "bob"));
    written.put("list", names);
    IMap<String, Object> read = chorus.getMap("loot");
    int before = Gadget.DESERIALIZED.get();

    for (String key : List.of("gadget", "jdk-gadget")) {
      HazelcastSerializationException refused = assertThrows(HazelcastSerializationException.class, () -> read.get(key));
      assertInstanceOf(SecurityException.class, rootCause(refused), key);
      assertTrue(rootCause(refused).getMessage().contains("is not allowed"), rootCause(refused).getMessage());
    }
    assertEquals(before, Gadget.DESERIALIZED.get(), "the gadget's readObject never ran on the Chorus member");
    assertEquals(names, read.get("list"), "what Hazelcast itself needs still passes");

    assertInstanceOf(Gadget.class, written.get("gadget"), "without the filter the peer deserializes it");
    assertEquals(before + 1, Gadget.DESERIALIZED.get());
  }

  private static Throwable rootCause(Throwable failure) {
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root;
  }
}
