using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Text.Unicode;
using Mandate.SenderConstraint.Jose;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.Core.Protocol;

/// <summary>
/// Reads (never verifies) a compact JWS: bounded size, exactly three parts, parse errors answered as
/// "not a token" instead of exceptions. Every place that looks inside a presented token starts here.
/// </summary>
public static class CompactJwt
{
    /// <summary>Longest token accepted, in characters; anything bigger is refused unparsed.</summary>
    public const int MaxLength = 16 * 1024;

    public static bool TryRead(string? token, [NotNullWhen(true)] out JsonWebToken? jwt)
    {
        jwt = null;
        if (string.IsNullOrEmpty(token) || token.Length > MaxLength || token.AsSpan().Count('.') != 2)
        {
            return false;
        }

        try
        {
            jwt = new JsonWebToken(token);

            // RFC 7515 §5.2 steps 2-4: header and payload are UTF-8 JSON. The JSON reader checks a string's
            // UTF-8 only when the string is read, which would throw deep inside claim mapping instead of here.
            if (!Utf8.IsValid(Base64UrlEncoder.DecodeBytes(jwt.EncodedHeader)) || !Utf8.IsValid(Base64UrlEncoder.DecodeBytes(jwt.EncodedPayload)))
            {
                jwt = null;
                return false;
            }

            return true;
        }
        catch (Exception e) when (e is ArgumentException or SecurityTokenMalformedException or System.Text.Json.JsonException or FormatException)
        {
            return false;
        }
    }

    /// <summary>
    /// Which rule of <see cref="IncomingJwtRules"/> a token that <see cref="TryRead"/> refused breaks, so the refusal can
    /// name it (an <c>exp</c> of 1e20 is well-formed JSON that no date holds); null when it is simply not a compact JWS.
    /// </summary>
    public static JwtRuleViolation? BrokenRule(string? token) =>
        !string.IsNullOrEmpty(token) && token.Length <= MaxLength && token.Split('.') is [var header, var payload, _]
            && IsUtf8(header) && IsUtf8(payload)
            && IncomingJwtRules.Check(header, payload) is { } broken && broken.Check != JwtRuleChecks.Malformed
            ? broken
            : null;

    // The rules read strings from the JSON, which must be UTF-8 (RFC 7515 §5.2); TryRead refuses a token whose JSON is not.
    private static bool IsUtf8(string segment)
    {
        var bytes = new byte[Base64Url.GetMaxDecodedLength(segment.Length)];
        return Base64Url.DecodeFromChars(segment, bytes, out _, out var written) == System.Buffers.OperationStatus.Done && Utf8.IsValid(bytes.AsSpan(0, written));
    }
}
