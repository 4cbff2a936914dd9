package dev.headroom.agent.reporter;

/** A reporter post that cannot be accepted; the message is the reason sent back with the 400. */
public final class MalformedReportException extends Exception {
  private static final long serialVersionUID = 1L;

  public MalformedReportException(String reason) {
    super(reason);
  }
}
