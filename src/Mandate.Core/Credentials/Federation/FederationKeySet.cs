using Microsoft.IdentityModel.Tokens;

namespace Mandate.Core.Credentials.Federation;

/// <summary>This node's federation signing key (created at <see cref="CreatedAt"/>) and every node's published public keys (a JWKS document).</summary>
public sealed record FederationKeySet(SigningCredentials Signing, string JwksJson, DateTimeOffset CreatedAt);
