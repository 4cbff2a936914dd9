package dev.headroom.analyzer.alert;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a detector says is wrong right now, before it is tied to a run and a time: the engine turns
 * a condition that appears into a raised {@link Alert} and one that disappears into a resolved one.
 *
 * @param kind what is wrong
 * @param severity how urgent
 * @param values the numbers behind it, in base units, names carrying the unit ({@code usedBytes},
 *     {@code ratio}, {@code slopeBytesPerMinute}); insertion order is kept for display
 * @param explanation one line a person understands without the docs
 * @param suggestedAction the next thing to try
 */
public record Condition(
    AlertKind kind, Severity severity, Map<String, Double> values, String explanation, String suggestedAction) {

  public Condition {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(explanation, "explanation");
    Objects.requireNonNull(suggestedAction, "suggestedAction");
    values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }
}
