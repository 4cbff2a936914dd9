/**
 * The reporter endpoint: a loopback HTTP server on the agent that accepts JSON posts from the
 * training process (allocator statistics, step marks, the run spec) and turns them into
 * observations. The JSON is documented in {@code docs/reporter.md}; malformed posts get 400 with
 * a reason and are never half-accepted.
 */
package dev.headroom.agent.reporter;
