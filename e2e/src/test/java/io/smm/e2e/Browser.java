package io.smm.e2e;

import io.smm.sandbox.testing.TestTimeouts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The machine's Chromium driven through its chromedriver (Debian's chromium-driver), headless.
 * Both paths are given explicitly, so Selenium never tries to download a browser or driver.
 */
final class Browser implements AutoCloseable {

  final ChromeDriver driver;
  final Path screenshots = Path.of(System.getProperty("smm.screenshots", "target/screenshots"));

  Browser() {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(SandboxE2ETest.findOnPath("chromium"));
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1600,1000");
    // The page's console, so a failed wait can say what the page itself complained about.
    options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(Path.of(SandboxE2ETest.findOnPath("chromedriver")).toFile()).usingAnyFreePort().build();
    driver = new ChromeDriver(service, options);
  }

  /** Replaces the text of the input {@code [data-testid=testId]} inside {@code scope}, as a user selecting it all and typing. */
  static void fill(WebElement scope, String testId, String text) {
    replaceText(scope.findElement(By.cssSelector("[data-testid=" + testId + "]")), text);
  }

  /**
   * Replaces an input's text by keyboard (select all, type over it) and checks the result. Not
   * {@code WebElement.clear()}: that empties the field behind React's back, and a re-render of the
   * form (a list refreshing every few seconds) before the first keystroke puts the old value back,
   * so the typed text would be appended to it.
   */
  static void replaceText(WebElement input, String text) {
    for (int attempt = 1; ; attempt++) {
      // Typing over the selection replaces it in one edit: emptying the field first would let a
      // number field's component put its 0 back before the first digit.
      input.sendKeys(Keys.chord(Keys.CONTROL, "a"), text);
      String value = input.getAttribute("value");
      if (text.equals(value)) {
        return;
      }
      if (attempt == 3) {
        throw new AssertionError("typed \"" + text + "\" but the field holds \"" + value + "\"");
      }
    }
  }

  /** Polls until the function returns non-null and non-false, like Selenium's WebDriverWait. */
  <T> T await(Function<WebDriver, T> condition, Duration unscaled, String what) throws InterruptedException {
    Duration timeout = TestTimeouts.scaled(unscaled);
    long start = System.nanoTime();
    long deadline = start + timeout.toNanos();
    RuntimeException last = null;
    while (System.nanoTime() < deadline) {
      try {
        T value = condition.apply(driver);
        if (value != null && !Boolean.FALSE.equals(value)) {
          TestTimeouts.waited(start, what);
          return value;
        }
      } catch (RuntimeException e) {
        last = e;
      }
      Thread.sleep(250);
    }
    throw new AssertionError("timed out after " + timeout.toSeconds() + "s waiting until " + what
        + (last == null ? "" : " (last error: " + last.getMessage().lines().findFirst().orElse("") + ")") + diagnostics(what));
  }

  /** A screenshot of the page as it was, its visible text and console messages, for a failed wait. */
  private String diagnostics(String what) {
    StringBuilder out = new StringBuilder();
    try {
      out.append("\nscreenshot: ").append(screenshot("failed-" + what.replaceAll("[^a-zA-Z0-9]+", "-")));
      String text = driver.findElement(By.tagName("body")).getText();
      out.append("\npage text: ").append(text, 0, Math.min(text.length(), 1500));
      driver.manage().logs().get("browser").getAll().forEach(e -> out.append("\nconsole ").append(e.getLevel()).append(": ")
          .append(e.getMessage()));
    } catch (Exception e) {
      out.append("\n(no diagnostics: ").append(e.getMessage()).append(')');
    }
    return out.toString();
  }

  Path screenshot(String name) throws Exception {
    Files.createDirectories(screenshots);
    Path png = screenshots.resolve(name + ".png");
    Files.write(png, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    return png;
  }

  @Override
  public void close() {
    driver.quit();
  }
}
