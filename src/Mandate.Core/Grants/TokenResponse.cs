namespace Mandate.Core.Grants;

/// <summary>RFC 8693 §2.2.1 success response.</summary>
public sealed record TokenResponse(string AccessToken, string IssuedTokenType, string TokenType, int ExpiresIn, string Scope)
{
    /// <summary>The policy rule that allowed the credential (server-side only, e.g. for the egress proxy); never sent.</summary>
    public string? Rule { get; init; }
}
