package dev.chorus.history;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.spi.merge.SplitBrainMergePolicy;
import com.hazelcast.spi.merge.MergingValue;

/**
 * How room streams merge when a network partition heals: {@link RoomLog#merge}, so that no message either
 * side stored is lost and no seq names two messages within an epoch. Hazelcast calls it on the larger
 * side's owner for each room the smaller side holds. It needs only the values (so no per-entry statistics). Public with a no-argument constructor: Hazelcast
 * creates it by class name.
 */
public final class RoomLogMergePolicy implements SplitBrainMergePolicy<Object, MergingValue<Object>, Object> {

  public RoomLogMergePolicy() {
  }

  @Override
  public Object merge(MergingValue<Object> merging, MergingValue<Object> existing) {
    if (existing == null || existing.getValue() == null) {
      return merging.getRawValue();
    }
    if (!(merging.getValue() instanceof RoomLog theirs) || !(existing.getValue() instanceof RoomLog ours)) {
      return existing.getRawValue();
    }
    RoomLog merged = RoomLog.merge(ours, theirs, Epochs.next());
    return merged == ours ? existing.getRawValue() : merged == theirs ? merging.getRawValue() : merged;
  }

  @Override
  public void writeData(ObjectDataOutput out) {
  }

  @Override
  public void readData(ObjectDataInput in) {
  }
}
