// An interactive MCP session with the official TypeScript SDK client, as a chat host holds one:
// connects to a stdio server, then answers one tool call per input line until stdin closes.
// Usage: node mcp-session.cjs SERVER.json   (NODE_PATH = the installed peers' node_modules)
// SERVER: {command, args, cwd, env}
// First output line: {ready: true, server, instructions, tools: [names]} or {error}.
// Input lines: {tool, args}. Output lines: {isError, structuredContent, text} or {error}.
'use strict';
const fs = require('node:fs');
const readline = require('node:readline');
const { Client } = require('@modelcontextprotocol/sdk/client/index.js');
const { StdioClientTransport } = require('@modelcontextprotocol/sdk/client/stdio.js');

function emit(obj) {
  process.stdout.write(JSON.stringify(obj) + '\n');
}

async function main() {
  const server = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const transport = new StdioClientTransport({
    command: server.command, args: server.args, cwd: server.cwd,
    env: { ...process.env, ...(server.env || {}) }, stderr: 'inherit',
  });
  const client = new Client({ name: 'pyro-smoke-client', version: '1.0.0' });
  try {
    await client.connect(transport);
    const tools = (await client.listTools()).tools.map((t) => t.name);
    emit({ ready: true, server: client.getServerVersion(), instructions: client.getInstructions(), tools });
  } catch (e) {
    emit({ error: String(e && e.message ? e.message : e) });
    process.exit(1);
  }
  const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.trim()) {
      continue;
    }
    try {
      const call = JSON.parse(line);
      const result = await client.callTool({ name: call.tool, arguments: call.args || {} }, undefined,
        { timeout: 600000 });
      const text = (result.content || []).filter((c) => c.type === 'text').map((c) => c.text).join('\n');
      emit({ isError: !!result.isError, structuredContent: result.structuredContent, text });
    } catch (e) {
      emit({ error: String(e && e.message ? e.message : e) });
    }
  }
  await client.close().catch(() => {});
}

main().catch((e) => {
  emit({ error: String(e) });
  process.exit(1);
});
