// Runs one operation of oauth4webapi (a strict, standards-only OAuth 2.0 client) against a broker and prints one JSON
// line: {"ok":true,...} with what the client made of the response, or {"ok":false,...} with the error it raised.
// Usage: node client.mjs '{"op":"exchange","issuer":"http://127.0.0.1:PORT","clientId":"spiffe://…","params":{…}}'
//   op: exchange (auth: "none" | "basic", dpop: true for a DPoP-bound credential), poll (the OpenID CIBA token request
//   for authReqId, the agent authenticating with actorToken), introspect or revoke (bearer: the caller's workload
//   token, token: the credential), validate (token checked as an RFC 9068 access token for audience), resource
//   (RFC 9728 metadata of resource) or call (an MCP initialize to resource with token; with dpop: true the client first
//   exchanges params for a credential bound to a key of its own and proves it on the call, or sends it as a plain
//   Bearer token when present is "bearer").
import * as oauth from 'oauth4webapi';

const command = JSON.parse(process.argv[2]);
const insecure = { [oauth.allowInsecureRequests]: true }; // the test broker listens on plain HTTP on 127.0.0.1
const exchangeGrant = 'urn:ietf:params:oauth:grant-type:token-exchange';

// Mandate authenticates introspection and revocation callers by their workload token, sent as a Bearer token.
const bearer = (token) => (_as, _client, _body, headers) => { headers.set('authorization', `Bearer ${token}`); };

async function discover() {
  const issuer = new URL(command.issuer);
  return oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...insecure }));
}

// RFC 9449 §8 and §9: a server that wants a nonce says so once; the DPoP handle has stored it, so the retry carries it.
async function withNonceRetry(DPoP, send) {
  try {
    return await send();
  } catch (error) {
    if (DPoP && oauth.isDPoPNonceError(error)) {
      return send();
    }
    throw error;
  }
}

const dpopHandle = async () => oauth.DPoP({ client_id: command.clientId }, await oauth.generateKeyPair('ES256'));

async function exchange(as, DPoP = undefined) {
  const client = { client_id: command.clientId };
  const auth = command.auth === 'basic' ? oauth.ClientSecretBasic(command.secret) : oauth.None();
  DPoP ??= command.dpop ? await dpopHandle() : undefined;
  return withNonceRetry(DPoP, async () => oauth.processGenericTokenEndpointResponse(as, client,
    await oauth.genericTokenEndpointRequest(as, client, auth, exchangeGrant, new URLSearchParams(command.params), { ...insecure, DPoP })));
}

// The agent authenticates a poll as it does every token request: with its workload token (Mandate's actor_token).
async function poll(as) {
  const client = { client_id: command.clientId };
  const actor = (_as, _client, body) => {
    body.set('actor_token', command.actorToken);
    body.set('actor_token_type', 'urn:ietf:params:oauth:token-type:jwt');
  };
  return oauth.processBackchannelAuthenticationGrantResponse(as, client,
    await oauth.backchannelAuthenticationGrantRequest(as, client, actor, command.authReqId, insecure));
}

async function introspect(as) {
  const client = { client_id: command.clientId };
  return oauth.processIntrospectionResponse(as, client,
    await oauth.introspectionRequest(as, client, bearer(command.bearer), command.token, insecure));
}

async function revoke(as) {
  const client = { client_id: command.clientId };
  await oauth.processRevocationResponse(await oauth.revocationRequest(as, client, bearer(command.bearer), command.token, insecure));
  return { revoked: true };
}

// A resource server's use of the client: validate a Mandate credential as RFC 9068 says, keys from the discovered JWKS.
async function validate(as) {
  const request = new Request(command.audience, { headers: { authorization: `Bearer ${command.token}` } });
  return { claims: await oauth.validateJwtAccessToken(as, request, command.audience, insecure) };
}

// RFC 9728 discovery of a protected resource's metadata.
async function resource() {
  const url = new URL(command.resource);
  return { metadata: await oauth.processResourceDiscoveryResponse(url, await oauth.resourceDiscoveryRequest(url, insecure)) };
}

// An MCP initialize request to a protected resource; a 401 or 403 challenge is raised as an error.
async function call(as) {
  let token = command.token;
  let DPoP;
  let tokenType = 'bearer';
  if (command.dpop) {
    DPoP = await dpopHandle();
    const issued = await exchange(as, DPoP);
    token = issued.access_token;
    tokenType = issued.token_type;
    if (command.present === 'bearer') {
      DPoP = undefined;
    }
  }
  const body = JSON.stringify({
    jsonrpc: '2.0', id: 1, method: 'initialize',
    params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'oauth4webapi', version: '3.8.9' } },
  });
  const response = await withNonceRetry(DPoP, () => oauth.protectedResourceRequest(token, 'POST', new URL(command.resource),
    new Headers({ 'content-type': 'application/json', accept: 'application/json, text/event-stream' }), body, { ...insecure, DPoP }));
  return { status: response.status, token_type: tokenType };
}

function describe(error) {
  const answer = { ok: false, kind: error.constructor.name, code: error.code ?? null, message: error.message, status: error.status ?? null };
  if (error instanceof oauth.ResponseBodyError) {
    Object.assign(answer, { error: error.error, error_description: error.error_description ?? null, body: error.cause });
  }
  if (error instanceof oauth.WWWAuthenticateChallengeError) {
    answer.challenges = error.cause.map((c) => ({ scheme: c.scheme, parameters: c.parameters }));
  }
  return answer;
}

const operations = { exchange, poll, introspect, revoke, validate, resource, call };
try {
  const as = command.issuer ? await discover() : null;
  const result = await operations[command.op](as);
  console.log(JSON.stringify({ ok: true, ...result }));
} catch (error) {
  console.log(JSON.stringify(describe(error)));
}
