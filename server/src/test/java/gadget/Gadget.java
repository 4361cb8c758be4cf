package gadget;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serial;
import java.io.Serializable;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stands for a deserialization gadget of some library on the classpath (outside the packages Chorus lists): its
 * readObject runs code as soon as a member deserializes it. Test code; the count is how the test sees it run.
 */
public final class Gadget implements Serializable {

  @Serial
  private static final long serialVersionUID = 1L;
  /** How many times any Gadget was deserialized in this JVM. */
  public static final AtomicInteger DESERIALIZED = new AtomicInteger();

  @Serial
  private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
    in.defaultReadObject();
    DESERIALIZED.incrementAndGet();
  }
}
