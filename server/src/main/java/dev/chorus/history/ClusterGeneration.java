package dev.chorus.history;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;

import java.util.concurrent.atomic.AtomicReference;

/**
 * The cluster's history generation: a random value every node shares, from which the epochs of rooms without
 * a stream derive ({@link Epochs#of}). It lives in cluster memory (the map
 * {@value HazelcastRoomHistory#GENERATION_MAP}), so a cluster that starts again draws a new one; the first
 * node draws it and every node keeps a copy, updated as it changes and read again after a split heals.
 * {@link #renew} draws a new one when streams were lost. Thread-safe.
 */
final class ClusterGeneration {

  private final IMap<String, String> generations;
  private final AtomicReference<String> current = new AtomicReference<>();

  /** Reads the generation, drawing it if there is none yet; blocks for that round trip. */
  ClusterGeneration(HazelcastInstance hazelcast) {
    this.generations = hazelcast.getMap(HazelcastRoomHistory.GENERATION_MAP);
    generations.addEntryListener(new Copy(), HazelcastRoomHistory.GENERATION, true);
    hazelcast.getLifecycleService().addLifecycleListener(event -> {
      if (event.getState() == LifecycleEvent.LifecycleState.MERGED) {
        load();
      }
    });
    load();
  }

  /** The generation as this node knows it. */
  String current() {
    return current.get();
  }

  /** A new generation: at once on this node, then for the cluster. */
  void renew() {
    String drawn = Epochs.next();
    current.set(drawn);
    generations.setAsync(HazelcastRoomHistory.GENERATION, drawn);
  }

  private void load() {
    String drawn = Epochs.next();
    String found = generations.putIfAbsent(HazelcastRoomHistory.GENERATION, drawn);
    current.set(found != null ? found : drawn);
  }

  /** Keeps this node's copy up to date. */
  private final class Copy implements EntryAddedListener<String, String>, EntryUpdatedListener<String, String> {
    @Override
    public void entryAdded(EntryEvent<String, String> event) {
      current.set(event.getValue());
    }

    @Override
    public void entryUpdated(EntryEvent<String, String> event) {
      current.set(event.getValue());
    }
  }
}
