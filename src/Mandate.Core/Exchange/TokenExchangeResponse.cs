namespace Mandate.Core.Exchange;

/// <summary>RFC 8693 §2.2.1 success response.</summary>
public sealed record TokenExchangeResponse(string AccessToken, string IssuedTokenType, string TokenType, int ExpiresIn, string Scope);
