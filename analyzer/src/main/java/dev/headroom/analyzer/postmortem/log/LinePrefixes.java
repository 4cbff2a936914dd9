package dev.headroom.analyzer.postmortem.log;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Strips what launchers, loggers and issue reporters put in front of a line, so a message wrapped
 * over several lines reads as one sentence again: quoting ({@code > }), torchrun/accelerate rank
 * tags ({@code [rank0]:}, {@code [default0]:}), mpirun tags ({@code [1,0]<stderr>:}), Ray/vLLM
 * worker tags ({@code (EngineCore_DP0 pid=17374)}), vLLM and Python logging headers, ISO
 * timestamps, glog headers ({@code I1201 08:00:00.123 42 file.cc:12]}, {@code W tensorflow/…cc:32]}).
 */
final class LinePrefixes {

  private static final List<Pattern> PREFIXES =
      List.of(
          Pattern.compile("^\\s*(?:>\\s?)+"),
          Pattern.compile("^\\s*`+"),
          Pattern.compile("^\\s*\\[(?:rank|default|local_rank)?\\d+\\]:\\s*"),
          Pattern.compile("^\\s*\\[\\d+,\\d+\\]<std(?:out|err)>:\\s*"),
          Pattern.compile("^\\s*\\([\\w.-]+ pid=\\d+(?:, ip=[\\d.:a-fA-F]+)?\\)\\s*"),
          Pattern.compile(
              "^\\s*(?:INFO|WARNING|WARN|ERROR|DEBUG|CRITICAL|FATAL)\\s+\\d\\d-\\d\\d"
                  + " \\d\\d:\\d\\d:\\d\\d(?:\\.\\d+)?\\s+\\[[^\\]]*\\]\\s*"),
          Pattern.compile(
              "^\\s*\\[?\\d{4}-\\d\\d-\\d\\d[ T]\\d\\d:\\d\\d:\\d\\d(?:[.,]\\d+)?"
                  + "(?:Z|[+-]\\d\\d:?\\d\\d)?\\]?:?\\s*"),
          Pattern.compile("^\\s*[IWEF]\\d{4} \\d\\d:\\d\\d:\\d\\d\\.\\d+\\s+\\d+ [\\w./-]+:\\d+\\]\\s*"),
          Pattern.compile("^\\s*:?\\s*[IWEF] [\\w./-]+\\.(?:cc|cpp|cu|h):\\d+\\]\\s*"),
          Pattern.compile("^\\s*(?:INFO|WARNING|WARN|ERROR|DEBUG|CRITICAL)(?::[\\w.]+)*:\\s*"));

  private LinePrefixes() {}

  /** The line without its prefixes (applied repeatedly: a timestamp inside a rank tag, …). */
  static String strip(String line) {
    String s = line;
    boolean changed = true;
    for (int round = 0; changed && round < 6; round++) {
      changed = false;
      for (Pattern p : PREFIXES) {
        Matcher m = p.matcher(s);
        if (m.lookingAt() && m.end() > 0) {
          s = s.substring(m.end());
          changed = true;
        }
      }
    }
    return s.strip();
  }
}
