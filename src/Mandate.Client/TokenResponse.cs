using System.Text.Json;

namespace Mandate.Client;

/// <summary>
/// Reads a token endpoint's success answer (RFC 6749 §5.1, RFC 8693 §2.2.1) into an <see cref="IssuedCredential"/>.
/// An answer that breaks the RFCs is an <c>invalid_response</c> refusal naming the member, never a parser exception.
/// </summary>
internal static class TokenResponse
{
    /// <summary>An access token (RFC 8693 §3's identifier): what a CIBA poll's answer holds when it names no type.</summary>
    private const string AccessTokenType = "urn:ietf:params:oauth:token-type:access_token";

    /// <summary>RFC 8693 §2.2.1 <c>token_type</c> of an issued token that is not an access token.</summary>
    private const string NotAnAccessTokenType = "N_A";

    /// <param name="root">The answer's JSON.</param>
    /// <param name="status">Its HTTP status, for the refusal.</param>
    /// <param name="requestedScope">The scope asked for: RFC 8693 §2.2.1 lets the answer omit an identical one.</param>
    /// <param name="exchange">True for token exchange, where <c>issued_token_type</c> is REQUIRED.</param>
    public static IssuedCredential Read(JsonElement root, int status, string? requestedScope, bool exchange)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(status, "is not a JSON object");
        }

        // RFC 6749 §5.1: access_token and token_type are REQUIRED; RFC 8693 §2.2.1: so is issued_token_type.
        var accessToken = RequiredString(root, "access_token", status);
        var tokenType = RequiredString(root, "token_type", status);
        var issuedTokenType = exchange ? RequiredString(root, "issued_token_type", status) : OptionalString(root, "issued_token_type", status) ?? AccessTokenType;
        var scope = OptionalString(root, "scope", status) ?? requestedScope ?? "";
        return new IssuedCredential(accessToken, issuedTokenType, tokenType, ExpiresIn(root, status), scope);
    }

    /// <summary>
    /// A client that sent a DPoP proof takes only <c>token_type: DPoP</c> (RFC 9449 §5: a token bound to the proof's key).
    /// RFC 9449 lets a server answer an unbound <c>Bearer</c> token instead; this client refuses it rather than silently
    /// drop the binding. <c>N_A</c> (RFC 8693 §2.2.1: not an access token, e.g. a run token or a certificate) is never
    /// sent as one, so it is taken.
    /// </summary>
    public static void RefuseDowngrade(IssuedCredential issued, int status)
    {
        if (!issued.IsDpopBound && !string.Equals(issued.TokenType, NotAnAccessTokenType, StringComparison.OrdinalIgnoreCase))
        {
            throw new MandateErrorException(
                "invalid_response",
                $"the client sent a DPoP proof but the broker answered token_type '{issued.TokenType}' instead of DPoP (RFC 9449 §5); a credential not bound to the client's key is not used. Check that the broker accepts DPoP (dpop_signing_alg_values_supported in its metadata)",
                status);
        }
    }

    /// <summary>
    /// RFC 6749 §5.1 <c>expires_in</c> (RECOMMENDED): absent means an unknown lifetime, read as 0 so the credential is
    /// never cached; a negative one is 0 too; one beyond <see cref="int.MaxValue"/> seconds is capped there.
    /// </summary>
    private static int ExpiresIn(JsonElement root, int status)
    {
        if (!root.TryGetProperty("expires_in", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return 0;
        }

        if (value.ValueKind != JsonValueKind.Number)
        {
            throw Invalid(status, "has an expires_in that is not a number of seconds");
        }

        return (int)Math.Clamp(Math.Floor(value.GetDouble()), 0, int.MaxValue);
    }

    private static string RequiredString(JsonElement root, string name, int status) =>
        OptionalString(root, name, status) is { Length: > 0 } value ? value : throw Invalid(status, $"has no {name}");

    private static string? OptionalString(JsonElement root, string name, int status)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String ? value.GetString() : throw Invalid(status, $"has a {name} that is not a string");
    }

    private static MandateErrorException Invalid(int status, string problem) =>
        new("invalid_response", $"the broker's token response {problem} (RFC 6749 §5.1, RFC 8693 §2.2.1); check that the client talks to a Mandate token endpoint", status);
}
