namespace Mandate.Core.Introspection;

/// <summary>RFC 7662 answer: active with the token's claims, or inactive (why is recorded, not returned).</summary>
public sealed record IntrospectionResult(bool Active, IssuedToken? Token, string Reason);
