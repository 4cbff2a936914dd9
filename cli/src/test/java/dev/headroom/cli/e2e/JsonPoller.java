package dev.headroom.cli.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * GETs a JSON API until its answer matches, within a bounded wait: the peers under test work on
 * their own schedules (scrapes, rule evaluations, notification groups), so a test polls instead of
 * sleeping a guessed time.
 */
final class JsonPoller {
  private static final Duration POLL_PERIOD = Duration.ofMillis(250);

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final ObjectMapper mapper = new ObjectMapper();

  /** One GET; the body parsed. */
  JsonNode get(URI url) throws IOException, InterruptedException {
    HttpResponse<String> response = http.send(
        HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException("GET " + url + " answered " + response.statusCode() + ": " + response.body());
    }
    return mapper.readTree(response.body());
  }

  /**
   * GETs {@code url} until {@code matches} holds and returns that answer.
   *
   * @param what what is waited for, for the failure message
   * @param context more to say on failure (e.g. the peer's log)
   * @throws AssertionError naming {@code what} and the last answer when the wait runs out
   */
  JsonNode await(URI url, Duration wait, String what, Predicate<JsonNode> matches, Supplier<String> context)
      throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    String last = "(no answer)";
    while (true) {
      try {
        JsonNode answer = get(url);
        if (matches.test(answer)) {
          return answer;
        }
        last = answer.toString();
      } catch (IOException e) {
        last = e.toString();
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("waited " + wait.toSeconds() + " s for " + what + " at " + url + "; last answer: "
            + abbreviate(last) + "\n" + context.get());
      }
      Thread.sleep(POLL_PERIOD.toMillis());
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 4000 ? s : s.substring(0, 4000) + "…";
  }
}
