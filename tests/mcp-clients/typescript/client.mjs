// A line-driven MCP client built only from the official TypeScript SDK, for Mandate's integration tests.
// Reads one JSON command per stdin line and answers one JSON line on stdout:
//   {"op":"discover","url":U}                       → PRM (RFC 9728, via the SDK) found from the 401's WWW-Authenticate, then AS metadata (RFC 8414)
//   {"op":"exchange","subject_token":S,"actor_token":A,"scope":SC}  → RFC 8693 exchange at the discovered token endpoint
//   {"op":"connect","url":U,"token":T?}             → connects with the exchanged credential (or T)
//   {"op":"list"} | {"op":"call","name":N,"arguments":{…}} | {"op":"token"} | {"op":"close"}
//   {"op":"raw","url":U,"body":B,"origin":O?,"token":T?} → POSTs B as it is (with the credential, or T); whether the SDK reads the answer
// Failures answer {"ok":false,"status":…,"message":…}; the process never exits on a failed command.
import { createInterface } from 'node:readline';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { discoverOAuthProtectedResourceMetadata, extractWWWAuthenticateParams } from '@modelcontextprotocol/sdk/client/auth.js';
import { JSONRPCMessageSchema } from '@modelcontextprotocol/sdk/types.js';

const state = { client: null, resource: null, tokenEndpoint: null, token: null };

async function discover({ url }) {
  // An unauthenticated request must be refused with a pointer to the protected resource metadata.
  const probe = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'ping' }),
  });
  await probe.body?.cancel();
  const challenge = extractWWWAuthenticateParams(probe);
  if (probe.status !== 401 || !challenge.resourceMetadataUrl) {
    throw Object.assign(new Error(`expected 401 with resource_metadata, got ${probe.status}`), { status: probe.status });
  }
  const prm = await discoverOAuthProtectedResourceMetadata(url, { resourceMetadataUrl: challenge.resourceMetadataUrl });
  const issuer = prm.authorization_servers?.[0];
  if (!issuer) throw new Error('protected resource metadata names no authorization server');
  const as = await authorizationServerMetadata(issuer);
  state.resource = prm.resource;
  state.tokenEndpoint = as.token_endpoint;
  return {
    status: probe.status,
    resource_metadata: challenge.resourceMetadataUrl.href,
    resource: prm.resource,
    scopes_supported: prm.scopes_supported ?? [],
    issuer: as.issuer,
    grant_types_supported: as.grant_types_supported ?? [],
  };
}

// RFC 8414 §3.1 (well-known suffix inserted before the issuer's path). Read directly: the SDK's own helper
// insists on an authorization_endpoint, which an authorization server without end-user redirects (RFC 8414 §2
// allows omitting it when no grant uses it) does not publish.
async function authorizationServerMetadata(issuer) {
  const url = new URL(issuer);
  const path = url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '');
  const response = await fetch(new URL(`/.well-known/oauth-authorization-server${path}`, url.origin));
  if (!response.ok) throw Object.assign(new Error(`no authorization server metadata for ${issuer}`), { status: response.status });
  const metadata = await response.json();
  if (metadata.issuer !== issuer || !metadata.token_endpoint) throw new Error(`metadata at ${response.url} is not for issuer ${issuer}`);
  return metadata;
}

async function exchange({ subject_token, actor_token, scope, resource }) {
  const form = new URLSearchParams({
    grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
    subject_token, subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
    actor_token, actor_token_type: 'urn:ietf:params:oauth:token-type:jwt',
    resource: resource ?? state.resource,
  });
  if (scope) form.set('scope', scope);
  const response = await fetch(state.tokenEndpoint, { method: 'POST', body: form });
  const body = await response.json();
  if (!response.ok) throw Object.assign(new Error(`${body.error}: ${body.error_description}`), { status: response.status });
  state.token = body.access_token;
  return { token_type: body.token_type, expires_in: body.expires_in, scope: body.scope, issued_token_type: body.issued_token_type };
}

async function connect({ url, token }) {
  await state.client?.close();
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    requestInit: { headers: { authorization: `Bearer ${token ?? state.token}` } },
  });
  const client = new Client({ name: 'mandate-ts-test-client', version: '1.0.0' });
  await client.connect(transport);
  state.client = client;
  return { server: client.getServerVersion()?.name ?? null, protocol: transport.protocolVersion ?? null };
}

// A body a well-behaved client never sends (malformed JSON, a foreign Origin): the answer is read with the schema the
// SDK's transports apply to every message they receive, so "readable" says whether an SDK client would see the error.
async function raw({ url, body, origin, token }) {
  const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${token ?? state.token}` };
  if (origin) headers.origin = origin;
  const response = await fetch(url, { method: 'POST', headers, body });
  const parsed = JSONRPCMessageSchema.safeParse(await response.json());
  return { status: response.status, readable: parsed.success, code: parsed.success ? parsed.data.error?.code ?? null : null };
}

const ops = {
  raw,
  discover,
  exchange,
  connect,
  list: async () => ({ tools: (await state.client.listTools()).tools.map(t => t.name) }),
  call: async ({ name, arguments: args }) => {
    const result = await state.client.callTool({ name, arguments: args ?? {} });
    return { isError: result.isError ?? false, text: result.content?.map(c => c.text ?? '').join('') ?? '' };
  },
  token: async () => ({ token: state.token }),
  close: async () => { await state.client?.close(); state.client = null; return {}; },
};

const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  if (!line.trim()) continue;
  let answer;
  try {
    const command = JSON.parse(line);
    answer = { ok: true, ...(await ops[command.op](command)) };
  } catch (e) {
    const status = e instanceof StreamableHTTPError ? e.code : e.status ?? e.code ?? null;
    answer = { ok: false, status, message: String(e?.message ?? e) };
  }
  process.stdout.write(JSON.stringify(answer) + '\n');
}
await state.client?.close();
