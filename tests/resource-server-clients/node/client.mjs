// Verifies one Mandate credential with a third-party resource-server library, configured as an operator would
// configure it, and prints one JSON line: {"ok":true,"alg":...,"claims":{...}} or {"ok":false,"kind":...,"message":...}.
//   {"op":"jose","issuer":...,"audience":...,"token":...}
//       jose: the jwks_uri from the broker's RFC 8414 metadata, createRemoteJWKSet + jwtVerify (issuer, audience, typ at+jwt).
//   {"op":"express","issuerBaseURL":...,"audience":...,"tokenSigningAlg":...?,"token":...}
//       express-oauth2-jwt-bearer: auth({ issuerBaseURL, audience, strict, tokenSigningAlg }) run on a request carrying the
//       credential; it discovers the broker itself. Without tokenSigningAlg the library's default applies
//       ($TOKEN_SIGNING_ALG, else any asymmetric algorithm the key fits).
import { webcrypto } from 'node:crypto';

// jose 6 needs the global WebCrypto, which Node.js 18 (Debian 12's package) has only behind a flag.
globalThis.crypto ??= webcrypto;
const { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } = await import('jose');
const { auth } = await import('express-oauth2-jwt-bearer');

const command = JSON.parse(process.argv[2]);

// The library's HTTP agent and caches keep the event loop alive: leave once the answer is written.
const print = (answer) => process.stdout.write(JSON.stringify(answer) + '\n', () => process.exit(0));
const refused = (e) => print({ ok: false, kind: e.code ?? e.name, status: e.status, message: e.message });

async function viaJose({ issuer, audience, token }) {
  const metadata = await (await fetch(new URL('/.well-known/oauth-authorization-server', issuer))).json();
  const jwks = createRemoteJWKSet(new URL(metadata.jwks_uri));
  const { payload, protectedHeader } = await jwtVerify(token, jwks, { issuer, audience, typ: 'at+jwt' });
  return { alg: protectedHeader.alg, claims: payload };
}

async function viaExpress({ issuerBaseURL, audience, tokenSigningAlg, token }) {
  // strict: RFC 9068 §4's typ at+jwt and the profile's required claims (off by default in the library).
  const middleware = auth({ issuerBaseURL, audience, strict: true, ...(tokenSigningAlg ? { tokenSigningAlg } : {}) });
  // The parts of an Express request the middleware reads.
  const headers = { authorization: `Bearer ${token}`, host: 'tool.example' };
  const req = {
    headers, method: 'GET', protocol: 'http', originalUrl: '/refunds', url: '/refunds', query: {}, body: undefined,
    is: () => false, get: (name) => headers[name.toLowerCase()],
  };
  const error = await new Promise((resolve) => middleware(req, {}, resolve));
  if (error) {
    throw error;
  }

  return { alg: decodeProtectedHeader(token).alg, claims: req.auth.payload };
}

try {
  switch (command.op) {
    case 'jose':
      print({ ok: true, ...(await viaJose(command)) });
      break;
    case 'express':
      print({ ok: true, ...(await viaExpress(command)) });
      break;
    default:
      print({ ok: false, kind: 'usage', message: `unknown op ${command.op}` });
  }
} catch (e) {
  refused(e);
}
