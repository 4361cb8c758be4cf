package dev.chorus.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import com.fasterxml.jackson.core.io.JsonStringEncoder;

import java.time.Instant;

/**
 * One JSON object per log event and line, for log shippers: {@code ts} (ISO-8601 UTC), {@code level},
 * {@code logger}, {@code thread}, {@code message} and, when there is one, {@code error} (the stack trace).
 * Selected by logging.format = json (LOG_FORMAT=json); see logback.xml.
 */
public final class JsonLineLayout extends LayoutBase<ILoggingEvent> {

  private static final JsonStringEncoder ENCODER = JsonStringEncoder.getInstance();

  @Override
  public String doLayout(ILoggingEvent event) {
    StringBuilder line = new StringBuilder(256);
    line.append('{');
    field(line, "ts", Instant.ofEpochMilli(event.getTimeStamp()).toString()).append(',');
    field(line, "level", event.getLevel().toString()).append(',');
    field(line, "logger", event.getLoggerName()).append(',');
    field(line, "thread", event.getThreadName()).append(',');
    field(line, "message", event.getFormattedMessage());
    if (event.getThrowableProxy() != null) {
      line.append(',');
      field(line, "error", ThrowableProxyUtil.asString(event.getThrowableProxy()));
    }
    return line.append('}').append(CoreConstants.LINE_SEPARATOR).toString();
  }

  private static StringBuilder field(StringBuilder line, String name, String value) {
    line.append('"').append(name).append("\":\"");
    if (value != null) {
      ENCODER.quoteAsString(value, line);
    }
    return line.append('"');
  }
}
