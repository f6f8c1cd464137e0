/**
 * The public types of Pyro: what the CLI, the MCP server and SDK users see. Request and result
 * records, identifiers, states and policies, and one declaration per engine operation. Nothing here
 * knows how a sandbox is made; the engine implements these operations and the SDK calls them.
 */
package dev.pyro.api;
