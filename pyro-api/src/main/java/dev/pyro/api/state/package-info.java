/**
 * States, policies and backend names as types (issue 3/8): each enum's {@code value()} is the exact
 * string the records, payloads and state files carry, so JSON stays byte-identical.
 */
package dev.pyro.api.state;
