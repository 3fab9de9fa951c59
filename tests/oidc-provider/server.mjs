// A real OpenID Provider (panva/oidc-provider) for the console's sign-in tests, listening on 127.0.0.1 only.
//
//   node server.mjs '{"users":[{"id":"alice","password":"…","name":"Alice","roles":["approver"]}],"registrationToken":"…"}'
//
// Prints one JSON line {"issuer":"http://127.0.0.1:PORT"} when it is ready and exits when its stdin closes, so a test
// that dies never leaves it running. Clients register with RFC 7591 dynamic registration, authorised by the
// registrationToken. PKCE (S256) is required for every authorization request. Sign-in and consent are real pages
// (#login, #password, #sign-in; #allow, #deny) that check the password the test chose.
import { createServer } from 'node:http';
import { generateKeyPairSync, randomBytes, timingSafeEqual } from 'node:crypto';
import Provider from 'oidc-provider';

const settings = JSON.parse(process.argv[2] ?? '{}');
const users = new Map((settings.users ?? []).map((user) => [user.id, user]));
const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });

const server = createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  jwks: { keys: [{ ...signingKey, kid: 'test-signing', use: 'sig', alg: 'RS256' }] },
  cookies: { keys: [randomBytes(32).toString('base64url')] },
  pkce: { required: () => true },
  scopes: ['openid', 'profile', 'email', 'roles', 'offline_access'],
  claims: { openid: ['sub'], profile: ['name'], email: ['email'], roles: ['roles'] },
  // The console reads roles from the ID token; it never calls userinfo.
  conformIdTokenClaims: false,
  features: {
    devInteractions: { enabled: false },
    registration: { enabled: true, initialAccessToken: settings.registrationToken ?? randomBytes(24).toString('base64url') },
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  findAccount: (ctx, id) => {
    const user = users.get(id);
    return user && { accountId: id, claims: () => ({ sub: id, name: user.name, email: user.email, roles: user.roles ?? [] }) };
  },
});
provider.on('server_error', (ctx, error) => process.stderr.write(`server_error: ${error.stack}\n`));

const page = (title, body) => `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1>${body}</body></html>`;
const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

async function readForm(req) {
  let body = '';
  for await (const chunk of req) {
    body += chunk;
    if (body.length > 16_384) throw new Error('form too large');
  }
  return new URLSearchParams(body);
}

function passwordMatches(user, password) {
  const expected = Buffer.from(user?.password ?? '');
  const given = Buffer.from(password ?? '');
  return user !== undefined && expected.length === given.length && timingSafeEqual(expected, given);
}

async function interaction(req, res, uid, action) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) throw new Error('interaction mismatch');
  if (req.method === 'GET' && details.prompt.name === 'login') {
    const failed = action === 'failed' ? '<p id="error">Wrong user name or password.</p>' : '';
    return send(res, page('Sign in', `${failed}<form method="post" action="/interaction/${uid}/login">
      <label>User <input id="login" name="login" autocomplete="off"></label>
      <label>Password <input id="password" name="password" type="password"></label>
      <button id="sign-in" type="submit">Sign in</button></form>`));
  }
  if (req.method === 'GET') {
    return send(res, page('Allow access', `<p>${escape(details.params.client_id)} asks for ${escape(details.params.scope)}.</p>
      <form method="post" action="/interaction/${uid}/confirm"><button id="allow" type="submit">Allow</button></form>
      <form method="post" action="/interaction/${uid}/abort"><button id="deny" type="submit">Deny</button></form>`));
  }
  if (action === 'login') {
    const form = await readForm(req);
    const user = users.get(form.get('login'));
    if (!passwordMatches(user, form.get('password'))) {
      res.writeHead(303, { Location: `/interaction/${uid}/failed` });
      return res.end();
    }
    return provider.interactionFinished(req, res, { login: { accountId: user.id } }, { mergeWithLastSubmission: false });
  }
  if (action === 'confirm') {
    const { prompt: { details: missing }, params, session } = details;
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) grant.addResourceScope(indicator, scopes.join(' '));
    return provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true });
  }
  return provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'the user denied access' }, { mergeWithLastSubmission: false });
}

function send(res, html) {
  res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(html);
}

const callback = provider.callback();
server.on('request', (req, res) => {
  const match = /^\/interaction\/([\w-]+)(?:\/(login|confirm|abort|failed))?$/.exec(req.url.split('?')[0]);
  if (!match) return callback(req, res);
  const [, uid, action] = match;
  const allowed = req.method === 'GET' ? action === undefined || action === 'failed' : ['login', 'confirm', 'abort'].includes(action);
  if (!allowed) {
    res.writeHead(405);
    return res.end();
  }
  interaction(req, res, uid, action).catch((error) => {
    process.stderr.write(`interaction: ${error.stack}\n`);
    if (!res.headersSent) res.writeHead(400, { 'Content-Type': 'text/plain' });
    res.end('interaction failed');
  });
});

process.stdout.write(`${JSON.stringify({ issuer })}\n`);
process.stdin.resume();
process.stdin.on('end', () => server.close(() => process.exit(0)));
