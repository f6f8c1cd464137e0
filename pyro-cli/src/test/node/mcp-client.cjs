// Drives a pyro MCP server with the official TypeScript SDK client, as a chat host would.
// Usage: node mcp-client.cjs PLAN.json   (NODE_PATH = the installed peers' node_modules)
// PLAN: {transport: "stdio"|"http", command, args, cwd, env, url, headers,
//        listTools: bool, calls: [{tool, args, save: {NAME: "field"}}]}
// String arguments "${NAME}" are replaced by a saved field of an earlier result.
// Prints one JSON object: {tools, calls: [{tool, isError, structuredContent, text}]} or {error}.
'use strict';
const fs = require('node:fs');
const { Client } = require('@modelcontextprotocol/sdk/client/index.js');
const { StdioClientTransport } = require('@modelcontextprotocol/sdk/client/stdio.js');
const { StreamableHTTPClientTransport } = require('@modelcontextprotocol/sdk/client/streamableHttp.js');

async function main() {
  const plan = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const transport = plan.transport === 'http'
    ? new StreamableHTTPClientTransport(new URL(plan.url), { requestInit: { headers: plan.headers || {} } })
    : new StdioClientTransport({
        command: plan.command, args: plan.args, cwd: plan.cwd,
        env: { ...process.env, ...(plan.env || {}) }, stderr: 'inherit',
      });
  const client = new Client({ name: 'pyro-test-client', version: '1.0.0' });
  const out = { calls: [] };
  try {
    await client.connect(transport);
    out.server = client.getServerVersion();
    out.instructions = client.getInstructions();
    if (plan.listTools) {
      out.tools = (await client.listTools()).tools;
    }
    const saved = {};
    for (const call of plan.calls || []) {
      const args = substitute(call.args || {}, saved);
      const result = await client.callTool({ name: call.tool, arguments: args }, undefined, { timeout: 600000 });
      const text = (result.content || []).filter((c) => c.type === 'text').map((c) => c.text).join('\n');
      out.calls.push({ tool: call.tool, isError: !!result.isError, structuredContent: result.structuredContent, text });
      for (const [name, field] of Object.entries(call.save || {})) {
        saved[name] = result.structuredContent && result.structuredContent[field];
      }
    }
  } catch (e) {
    out.error = String(e && e.message ? e.message : e);
  } finally {
    await client.close().catch(() => {});
  }
  process.stdout.write(JSON.stringify(out) + '\n');
}

function substitute(value, saved) {
  if (typeof value === 'string') {
    return value.replace(/\$\{(\w+)\}/g, (_, name) => String(saved[name]));
  }
  if (Array.isArray(value)) {
    return value.map((v) => substitute(v, saved));
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, saved)]));
  }
  return value;
}

main().catch((e) => {
  process.stdout.write(JSON.stringify({ error: String(e) }) + '\n');
  process.exit(1);
});
