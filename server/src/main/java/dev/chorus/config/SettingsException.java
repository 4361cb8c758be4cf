package dev.chorus.config;

/** A setting with a bad value; the message names the setting and is meant for the operator as is. */
public final class SettingsException extends RuntimeException {
  public SettingsException(String message) {
    super(message);
  }
}
