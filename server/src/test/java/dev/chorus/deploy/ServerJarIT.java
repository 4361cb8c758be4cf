package dev.chorus.deploy;

import dev.chorus.support.NodeProcess;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** The jar operators run holds the server and its defaults, and nothing of the load-test tool. */
class ServerJarIT {

  @Test
  void holdsNoBenchClassAndNoHdrHistogram() throws IOException {
    try (JarFile jar = new JarFile(NodeProcess.jar().toFile())) {
      List<String> strays = jar.stream().map(ZipEntry::getName)
          .filter(name -> name.startsWith("dev/chorus/bench/") || name.startsWith("org/HdrHistogram/"))
          .toList();
      assertEquals(List.of(), strays);
      assertNotNull(jar.getEntry("dev/chorus/Main.class"));
      assertNotNull(jar.getEntry("conf/config.json"));
      assertNotNull(jar.getEntry("cluster.xml"));
    }
  }
}
