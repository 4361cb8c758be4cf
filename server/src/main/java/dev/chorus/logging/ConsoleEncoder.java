package dev.chorus.logging;

import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Layout;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;

/**
 * The console encoder of logback.xml: {@code text} lays events out with {@link #setPattern the pattern},
 * {@code json} as {@link JsonLineLayout JSON lines}. One appender whose format is a property keeps Logback
 * from warning about an unused appender at every start.
 */
public final class ConsoleEncoder extends LayoutWrappingEncoder<ILoggingEvent> {

  private String format = "text";
  private String pattern = "%d %-5level [%logger{0}] %msg%n";

  /** {@code text} or {@code json}; anything else is reported by Logback and falls back to text. */
  public void setFormat(String format) {
    this.format = format;
  }

  /** The Logback pattern of the text format. */
  public void setPattern(String pattern) {
    this.pattern = pattern;
  }

  @Override
  public void start() {
    Layout<ILoggingEvent> chosen;
    if ("json".equals(format)) {
      chosen = new JsonLineLayout();
    } else {
      if (!"text".equals(format)) {
        addWarn("log format must be text or json, got '" + format + "': using text");
      }
      PatternLayout text = new PatternLayout();
      text.setPattern(pattern);
      chosen = text;
    }
    chosen.setContext(getContext());
    chosen.start();
    setLayout(chosen);
    super.start();
  }
}
