package dev.pyro.engine.server;

/** What a handler gets besides its params: where its events go, and the guard for its VM. */
record RequestContext(EventSink events, DisconnectGuard guard) {
}
