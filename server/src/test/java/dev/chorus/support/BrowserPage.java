package dev.chorus.support;

import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * One page of the browser client in its own headless Chromium, driven through Selenium and the system's
 * chromedriver (Debian's chromium and chromium-driver: nothing is downloaded at run time). The launch flags
 * keep Chromium off the network, which this machine does not have. {@link #close()} quits the browser.
 */
public final class BrowserPage implements AutoCloseable {

  public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  /** Where screenshots go: test artifacts under target/. */
  public static final Path SCREENSHOTS = Path.of("target", "browser-screenshots");
  private static final Duration WAIT = Duration.ofSeconds(30);

  private final WebDriver driver;
  private final Path profile;

  private BrowserPage(WebDriver driver, Path profile) {
    this.driver = driver;
    this.profile = profile;
  }

  /** Whether the system browser and its driver are installed (.ci/run installs them). */
  public static boolean available() {
    return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
  }

  /** Opens {@code url} in a fresh browser with a window of {@code width} x {@code height} CSS pixels. */
  public static BrowserPage open(String url, int width, int height) {
    Path profile;
    try {
      profile = Files.createTempDirectory(Files.createDirectories(Path.of("target", "browser-profiles")), "chromium-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
      "--disable-dev-shm-usage", "--user-data-dir=" + profile.toAbsolutePath(),
      "--window-size=" + width + "," + height);
    ChromeDriverService service = new ChromeDriverService.Builder()
      .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
    WebDriver driver = new ChromeDriver(service, options);
    driver.manage().window().setSize(new Dimension(width, height));
    driver.get(url);
    return new BrowserPage(driver, profile);
  }

  /** Waits up to 30 s for {@code condition} to return a non-null, non-false value. */
  public <T> T await(String what, Function<WebDriver, T> condition) {
    return new WebDriverWait(driver, WAIT).withMessage(what).until(condition);
  }

  /** Waits until the connection state shown is {@code online}. */
  public void awaitOnline() {
    await("page online", d -> "online".equals(find("state").getDomAttribute("data-state")));
  }

  /** The host:port of the node serving the page's connection, as the page shows it. */
  public String endpoint() {
    return find("node").getDomAttribute("data-endpoint");
  }

  /** Types a message and sends it. */
  public void say(String text) {
    await("send enabled", d -> find("send-btn").isEnabled());
    find("message").sendKeys(text);
    find("send-btn").click();
  }

  /** The texts of the chat lines shown, in order. */
  public List<String> chatTexts() {
    return driver.findElements(By.cssSelector("#messages li.chat .text")).stream().map(WebElement::getText).toList();
  }

  /** Waits until a chat line with exactly this text is shown. */
  public void awaitChat(String text) {
    await("chat line '" + text + "'", d -> chatTexts().contains(text));
  }

  /** The names in the presence list. */
  public List<String> presence() {
    return driver.findElements(By.cssSelector("#presence li")).stream().map(WebElement::getText).toList();
  }

  public WebElement find(String id) {
    return driver.findElement(By.id(id));
  }

  public List<WebElement> findAll(String css) {
    return driver.findElements(By.cssSelector(css));
  }

  /** Saves a PNG screenshot as target/browser-screenshots/{name}.png and returns its path. */
  public Path screenshot(String name) {
    try {
      File shot = ((ChromeDriver) driver).getScreenshotAs(OutputType.FILE);
      Path target = Files.createDirectories(SCREENSHOTS).resolve(name + ".png");
      Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
      return target;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      deleteQuietly(profile);
    }
  }

  private static void deleteQuietly(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException ignored) {
      // A leftover profile under target/ is harmless.
    }
  }
}
