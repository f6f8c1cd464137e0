package dev.pyro.sdk.mcp.transport;

import tools.jackson.databind.JsonNode;

/**
 * The JSON-RPC 2.0 envelope rules both transports check before a message reaches the MCP SDK
 * (which is lenient about them): one object, {@code "jsonrpc": "2.0"}, an id that is a string, a
 * number or null, a string method.
 */
final class JsonRpcShape {

    private JsonRpcShape() {
    }

    /** Throws with the broken rule; returns quietly for a well-formed envelope. */
    static void check(JsonNode node) {
        if (!node.isObject()) {
            throw new IllegalArgumentException("send one JSON-RPC object per line or request (no batches)");
        }
        if (!"2.0".equals(node.path("jsonrpc").asString(null))) {
            throw new IllegalArgumentException("\"jsonrpc\" must be \"2.0\"");
        }
        JsonNode id = node.get("id");
        if (id != null && !(id.isString() || id.isNumber() || id.isNull())) {
            throw new IllegalArgumentException("\"id\" must be a string, a number or null");
        }
        JsonNode method = node.get("method");
        if (method != null && !method.isString()) {
            throw new IllegalArgumentException("\"method\" must be a string");
        }
    }

    /** The id to answer an invalid message with: its own when that is usable, else null. */
    static Object replyId(JsonNode node, tools.jackson.databind.ObjectMapper json) {
        JsonNode id = node.isObject() ? node.get("id") : null;
        return id != null && (id.isString() || id.isNumber()) ? json.convertValue(id, Object.class) : null;
    }
}
