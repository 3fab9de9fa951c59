namespace Mandate.Client;

/// <summary>A credential the broker issued (RFC 8693 §2.2.1 response).</summary>
public sealed record IssuedCredential(string AccessToken, string IssuedTokenType, string TokenType, int ExpiresIn, string Scope);
