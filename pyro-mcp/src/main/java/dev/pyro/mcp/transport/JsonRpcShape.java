package dev.pyro.mcp.transport;

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

    /** The message of every -32603 a client sees: the SDK's own carry Java exception and class names. */
    static final String INTERNAL = "Internal error: the server could not handle this request (a Pyro bug; the "
            + "server's log on stderr has the details)";

    /**
     * What is wrong with a request's params for the MCP methods whose params the SDK deserializes
     * (its errors would be -32603 with Jackson's messages), or null when they fit. MCP params are
     * always an object.
     */
    static String paramsProblem(JsonNode node) {
        JsonNode method = node.get("method");
        if (method == null || !node.has("id")) {
            return null;
        }
        JsonNode params = node.get("params");
        boolean present = params != null && !params.isNull();
        String name = method.asString();
        if (!name.equals("initialize") && !name.equals("tools/call")) {
            return null; // the SDK answers -32601 or takes what it gets; cleanedReply covers the rest
        }
        if (present && !params.isObject()) {
            return "\"params\" must be an object";
        }
        switch (name) {
            case "initialize" -> {
                if (!present) {
                    return "initialize needs params {protocolVersion, capabilities, clientInfo}";
                }
                if (params.has("protocolVersion") && !params.get("protocolVersion").isString()) {
                    return "initialize: \"protocolVersion\" must be a string";
                }
            }
            case "tools/call" -> {
                if (!present || !params.path("name").isString()) {
                    return "tools/call needs params {\"name\": string, \"arguments\": object}";
                }
                JsonNode arguments = params.get("arguments");
                if (arguments != null && !arguments.isNull() && !arguments.isObject()) {
                    return "tools/call: \"arguments\" must be an object of the tool's arguments";
                }
            }
            default -> {
                // other methods: the SDK answers -32601 or takes any object
            }
        }
        return null;
    }

    /**
     * A reply line as the client may see it: an internal error (-32603) keeps its id and code but
     * gets {@link #INTERNAL} as its message. Returns null when the line needs no change.
     */
    static JsonNode cleanedReply(JsonNode reply) {
        JsonNode error = reply.isObject() ? reply.get("error") : null;
        if (error == null || !error.isObject() || error.path("code").asInt() != -32603) {
            return null;
        }
        if (INTERNAL.equals(error.path("message").asString(null)) && !error.has("data")) {
            return null;
        }
        tools.jackson.databind.node.ObjectNode copy = ((tools.jackson.databind.node.ObjectNode) reply).deepCopy();
        tools.jackson.databind.node.ObjectNode clean = copy.putObject("error");
        clean.put("code", -32603);
        clean.put("message", INTERNAL);
        return copy;
    }

    /** The id to answer an invalid message with: its own when that is usable, else null. */
    static Object replyId(JsonNode node, tools.jackson.databind.ObjectMapper json) {
        JsonNode id = node.isObject() ? node.get("id") : null;
        return id != null && (id.isString() || id.isNumber()) ? json.convertValue(id, Object.class) : null;
    }
}
