package io.smm.cli.agent;

/** What smm-agent could not do, said in one line the user can act on. */
public class AgentException extends RuntimeException {

  public AgentException(String message) {
    super(message);
  }

  public AgentException(String message, Throwable cause) {
    super(message, cause);
  }
}
