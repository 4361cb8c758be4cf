package dev.chorus.node;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Gives the heap a node no longer uses back to the operating system, so that its resident memory follows
 * its connections down after a burst instead of staying at the burst's high-water mark. A node started with
 * {@code java -jar} runs G1 with the JVM's defaults, which keep up to 70% of the heap free and never
 * collect a heap that stops allocating: after 15,000 clients connect, an idle node keeps 9-10 KiB of
 * resident memory per connection, a third of it live (docs/performance.md, round 3).
 * <p>With server.memoryReturnSeconds above 0, the process tunes its own JVM once at start, through the
 * three flags HotSpot lets a running JVM change (JEP 346, "promptly return unused committed memory"):
 * <ul>
 *   <li>{@code G1PeriodicGCInterval}: a heap with no collection for that long gets a concurrent cycle, after
 *   which G1 uncommits what it does not need. A busy node collects anyway and never gets one. An idle one
 *   gets one per interval while they give memory back, then fewer and fewer ({@link Periodic}), since each
 *   marks the whole heap (tens of milliseconds for 15,000 connections, more after a burst left a large
 *   heap that cannot shrink below {@code -Xms});</li>
 *   <li>{@code MinHeapFreeRatio} 5 and {@code MaxHeapFreeRatio} 10: what such a cycle keeps free. The young
 *   generation still grows with the allocation rate between cycles.</li>
 * </ul>
 * The native heap too: glibc's malloc keeps what the JIT's compiler arenas, class loading and direct buffers
 * freed, 20-40 MB after a burst of connections, and its share differs from run to run. Every interval a
 * daemon thread asks the JVM to trim it ({@code System.trim_native_heap}, what JDK 21's
 * {@code TrimNativeHeapInterval} does; a few milliseconds), and sets the periodic collection's interval.
 * <p>A flag given on the command line is the operator's and is left alone, as is every flag under another
 * collector. Only {@code Main} applies it: nodes that share a JVM (the tests) leave the JVM as they found it.
 */
public final class HeapReturn {

  private static final Logger LOG = LoggerFactory.getLogger(HeapReturn.class);

  private static final long MIN_FREE_PERCENT = 5;
  private static final long MAX_FREE_PERCENT = 10;

  private HeapReturn() {
  }

  /**
   * Tunes this JVM to return idle heap after {@code seconds} without a collection (0: leave it alone) and
   * logs what it did in one line. Never fails the start: a JVM without the management interface keeps its
   * defaults.
   */
  public static void apply(int seconds) {
    if (seconds == 0) {
      LOG.info("Heap: left to the JVM's defaults (server.memoryReturnSeconds is 0)");
      return;
    }
    try {
      HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
      List<String> set = new ArrayList<>();
      boolean trims = canTrimNativeHeap(vm);
      if (trims) {
        set.add("native heap trimmed");
      }
      boolean g1 = Boolean.parseBoolean(vm.getVMOption("UseG1GC").getValue());
      if (g1 && isDefault(vm, "MinHeapFreeRatio") && isDefault(vm, "MaxHeapFreeRatio")) {
        // Min first: MaxHeapFreeRatio may never go below it.
        vm.setVMOption("MinHeapFreeRatio", Long.toString(MIN_FREE_PERCENT));
        vm.setVMOption("MaxHeapFreeRatio", Long.toString(MAX_FREE_PERCENT));
        set.add("MinHeapFreeRatio=" + MIN_FREE_PERCENT);
        set.add("MaxHeapFreeRatio=" + MAX_FREE_PERCENT);
      }
      Periodic periodic = null;
      if (g1 && isDefault(vm, "G1PeriodicGCInterval")) {
        vm.setVMOption("G1PeriodicGCInterval", Long.toString(seconds * 1000L));
        periodic = new Periodic(vm, seconds * 1000L);
        set.add("G1PeriodicGCInterval=" + seconds * 1000L + ", backing off while it returns nothing");
      }
      if (trims || periodic != null) {
        everyInterval(seconds, trims, periodic);
      }
      String kept = g1 ? "the flags given on the command line" : "another collector than G1";
      LOG.info(set.isEmpty() ? "Heap: left to " + kept
        : "Heap: idle memory returned to the system every " + seconds + " s (" + String.join(", ", set) + ")"
          + (g1 ? "" : "; heap flags left to " + kept));
    } catch (RuntimeException | LinkageError e) {
      LOG.info("Heap: left to the JVM's defaults (its flags cannot be changed here: {})", e.toString());
    }
  }

  /** Whether this JVM can trim its native heap (17.0.9 and later, on glibc) and the operator does not already. */
  private static boolean canTrimNativeHeap(HotSpotDiagnosticMXBean vm) {
    try {
      if (!"0".equals(vm.getVMOption("TrimNativeHeapInterval").getValue())) {
        return false;
      }
    } catch (IllegalArgumentException noSuchFlag) {
      // An older JVM: the command says whether it can trim.
    }
    try {
      return trim().startsWith("Trim native heap");
    } catch (JMException | RuntimeException e) {
      return false;
    }
  }

  /** Every {@code seconds}, on a daemon thread: trims the native heap and sets the periodic collection's interval. */
  private static void everyInterval(int seconds, boolean trims, Periodic periodic) {
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "chorus-heap-return");
      thread.setDaemon(true);
      return thread;
    });
    timer.scheduleWithFixedDelay(() -> {
      try {
        if (trims) {
          trim();
        }
        if (periodic != null) {
          periodic.check();
        }
      } catch (JMException | RuntimeException e) {
        // The next interval tries again; nothing is lost but memory not yet returned.
      }
    }, seconds, seconds, TimeUnit.SECONDS);
  }

  /**
   * G1's periodic collection, as often as it gives memory back: every interval while the node is busy or a
   * cycle returned memory; after a quiet interval whose collection returned nothing (or with the heap at
   * {@code -Xms}, which it cannot go below), the interval doubles, up to {@link #MAX_INTERVAL_MILLIS}. A busy
   * node collects anyway, so the periodic cycle costs it nothing; a node that goes quiet gets the cycles
   * that shrink its heap, then fewer and fewer (each marks the whole heap). A quiet interval that had only a
   * young collection, taken for a cycle that returned nothing, just delays the next cycle.
   */
  static final class Periodic {
    /** At most this many collections in an interval count as quiet: one periodic cycle, and a young one. */
    static final long IDLE_COLLECTIONS = 2;
    /** Less shrinking than this in a quiet interval counts as none. */
    static final long SLACK_BYTES = 1L << 20;
    /** The longest interval the periodic collection backs off to: 10 minutes. */
    static final long MAX_INTERVAL_MILLIS = 600_000;

    private final HotSpotDiagnosticMXBean vm;
    private final long baseMillis;
    private long intervalMillis;
    private long committedAtCheck = -1;
    private long collectionsAtCheck;

    Periodic(HotSpotDiagnosticMXBean vm, long baseMillis) {
      this.vm = vm;
      this.baseMillis = baseMillis;
      this.intervalMillis = baseMillis;
    }

    void check() {
      long committed = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted();
      long collections = 0;
      for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
        collections += Math.max(0, collector.getCollectionCount());
      }
      Long interval = next(committed, collections);
      if (interval != null) {
        vm.setVMOption("G1PeriodicGCInterval", Long.toString(interval));
      }
    }

    /**
     * The interval after a check that sees {@code committed} bytes of heap and {@code collections} in all
     * since start: a new one in milliseconds, or null to leave it as it is.
     */
    Long next(long committed, long collections) {
      long next = intervalMillis;
      if (committedAtCheck >= 0) {
        long collected = collections - collectionsAtCheck;
        if (collected > IDLE_COLLECTIONS || collected > 0 && committed < committedAtCheck - SLACK_BYTES) {
          next = baseMillis;
        } else if (collected > 0) {
          next = Math.min(MAX_INTERVAL_MILLIS, intervalMillis * 2);
        }
      }
      committedAtCheck = committed;
      collectionsAtCheck = collections;
      if (next == intervalMillis) {
        return null;
      }
      intervalMillis = next;
      return next;
    }

    long intervalMillis() {
      return intervalMillis;
    }
  }

  private static String trim() throws JMException {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    Object answer = server.invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"), "systemTrimNativeHeap",
      new Object[] {new String[0]}, new String[] {String[].class.getName()});
    return String.valueOf(answer);
  }

  private static boolean isDefault(HotSpotDiagnosticMXBean vm, String flag) {
    VMOption option = vm.getVMOption(flag);
    return option.getOrigin() == VMOption.Origin.DEFAULT || option.getOrigin() == VMOption.Origin.ERGONOMIC;
  }
}
