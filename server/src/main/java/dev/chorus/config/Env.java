package dev.chorus.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The environment variable that overrides a setting, on each component of the {@link Settings} records. The
 * name is a contract with operators: never rename one. How its text is read follows the component's type:
 * {@code int} an integer, {@code boolean} {@code true} or {@code false}, {@code String} the trimmed text,
 * {@code List<String>} comma-separated items.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface Env {
  String value();
}
