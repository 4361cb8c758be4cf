package dev.chorus.auth;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class AuthenticationTest {

  @Test
  void tokenParameterIsFoundAndDecoded() {
    assertEquals("a.b+c", Authentication.tokenParameter("x=1&token=a.b%2Bc"));
    assertNull(Authentication.tokenParameter("x=1"));
    assertNull(Authentication.tokenParameter(null));
  }
}
