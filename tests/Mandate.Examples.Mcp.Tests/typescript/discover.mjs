// Resource-side discovery exactly as the official MCP TypeScript SDK does it, against a Mandate-protected MCP server.
// Usage: MCP_SDK_DIR=<…/node_modules/@modelcontextprotocol/sdk> node discover.mjs '{"url":U,"token":T}'
// Prints one JSON line: the 401 challenge as the SDK parses it, the metadata it finds (via the challenge and via the
// well-known fallback), and, with a token, the 403 challenge of a refused tool call.
import { pathToFileURL } from 'node:url';

const sdk = process.env.MCP_SDK_DIR;
const { extractWWWAuthenticateParams, discoverOAuthProtectedResourceMetadata } =
  await import(pathToFileURL(`${sdk}/dist/esm/client/auth.js`).href);
const { url, token } = JSON.parse(process.argv[2]);

async function post(name, bearer) {
  const headers = {
    'content-type': 'application/json', accept: 'application/json, text/event-stream',
    'mcp-method': 'tools/call', 'mcp-name': name,
  };
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  const response = await fetch(url, {
    method: 'POST', headers,
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: { order_id: 'o-1001', amount: 5 } } }),
  });
  await response.body?.cancel();
  const params = extractWWWAuthenticateParams(response);
  return { status: response.status, resource_metadata: params.resourceMetadataUrl?.href ?? null, scope: params.scope ?? null, error: params.error ?? null };
}

const challenge = await post('lookup_order', null);
const viaChallenge = await discoverOAuthProtectedResourceMetadata(url, { resourceMetadataUrl: new URL(challenge.resource_metadata) });
const viaWellKnown = await discoverOAuthProtectedResourceMetadata(url);
const refused = token ? await post('refund', token) : null;
process.stdout.write(JSON.stringify({ challenge, viaChallenge, viaWellKnown, refused }) + '\n');
