using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Mandate.SenderConstraint.Jose;

/// <summary>
/// The rules every JWT Mandate reads must meet before any of its contents is believed: identity, actor, run,
/// evidence and user tokens at the broker, DPoP proofs, and credentials at resource servers. They read the
/// header and claims as JSON, so a wrong type is refused instead of converted (a numeric <c>sub</c> never
/// becomes "42", a string <c>exp</c> is never parsed). Signatures are verified elsewhere, by IdentityModel.
/// </summary>
public static class IncomingJwtRules
{
    /// <summary>9999-12-31T23:59:59Z, the last second a date can hold; a NumericDate past it is an issuer's bug (milliseconds written as seconds).</summary>
    public const long LastNumericDate = 253402300799;

    private static readonly string[] NumericDateClaims = ["exp", "nbf", "iat"];
    private static readonly string[] StringHeaderParameters = ["alg", "typ", "cty", "kid"];
    private static readonly JsonDocumentOptions StrictJson = new() { AllowDuplicateProperties = false };

    /// <summary>Checks <paramref name="token"/>'s header and claims; null when it meets every rule.</summary>
    public static JwtRuleViolation? Check(JsonWebToken token, IncomingJwtExpectations? expectations = null)
    {
        ArgumentNullException.ThrowIfNull(token);
        return Check(token.EncodedHeader, token.EncodedPayload, expectations);
    }

    /// <summary>Checks a compact JWS's base64url header and payload segments; null when they meet every rule.</summary>
    public static JwtRuleViolation? Check(string encodedHeader, string encodedPayload, IncomingJwtExpectations? expectations = null)
    {
        ArgumentNullException.ThrowIfNull(encodedHeader);
        ArgumentNullException.ThrowIfNull(encodedPayload);
        expectations ??= IncomingJwtExpectations.None;
        // Decoded into one pooled buffer, which the documents read from until they are disposed below.
        var headerBytes = Base64Url.GetMaxDecodedLength(encodedHeader.Length);
        var buffer = ArrayPool<byte>.Shared.Rent(headerBytes + Base64Url.GetMaxDecodedLength(encodedPayload.Length));
        try
        {
            using var header = ParseObject(encodedHeader, buffer.AsMemory(0, headerBytes));
            using var payload = header is null ? null : ParseObject(encodedPayload, buffer.AsMemory(headerBytes));
            if (header is null || payload is null)
            {
                return NotJsonObject();
            }

            return CheckHeader(header.RootElement) ?? CheckClaims(payload.RootElement, expectations);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>A base64url segment holding one JSON object with no duplicate member names; null otherwise.</summary>
    private static JsonDocument? ParseObject(string segment, Memory<byte> into)
    {
        if (Base64Url.DecodeFromChars(segment, into.Span, out _, out var written) != OperationStatus.Done
            || LoneSurrogateEscapes.Present(into.Span[..written]))
        {
            return null;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(into[..written], StrictJson);
        }
        catch (JsonException)
        {
            return null;
        }

        if (document.RootElement.ValueKind == JsonValueKind.Object)
        {
            return document;
        }

        document.Dispose();
        return null;
    }

    private static JwtRuleViolation? CheckHeader(JsonElement header)
    {
        foreach (var name in StringHeaderParameters)
        {
            if (header.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.String)
            {
                return new(JwtRuleChecks.ClaimType, $"has a '{name}' header parameter that is not a JSON string (RFC 7515 section 4.1); send it as a string");
            }
        }

        // RFC 7519 §7.2 step 8: cty JWT makes the payload a nested JWT, not a claims set; Mandate never nests, so a token
        // that says it does is refused rather than read as claims a conforming validator would not see.
        if (header.TryGetProperty("cty", out var cty) && JoseMediaType.Is(cty.GetString(), "JWT"))
        {
            return new(JwtRuleChecks.NestedJwt, "has cty 'JWT', which makes its payload a nested JWT (RFC 7519 section 7.2); Mandate reads only a claims set signed directly, so issue it without cty");
        }

        // kid is copied into audit evidence, so it is held to the identity-text rule.
        if (header.TryGetProperty("kid", out var kid) && !IdentityText.IsAllowed(kid.GetString()))
        {
            return new(JwtRuleChecks.IdentityText, $"has a 'kid' header parameter Mandate does not accept; a key id must be {IdentityText.Rule}");
        }

        return CriticalHeader.Check(header);
    }

    private static JwtRuleViolation? CheckClaims(JsonElement claims, IncomingJwtExpectations expectations)
    {
        foreach (var name in NumericDateClaims)
        {
            // RFC 7519 §2: a NumericDate is a JSON numeric value; "1767225600" is a string, not a date.
            if (!claims.TryGetProperty(name, out var value))
            {
                continue;
            }

            if (!IsNumericDate(value, out var seconds))
            {
                return new(JwtRuleChecks.ClaimType, $"has an '{name}' claim that is not a JSON number; exp, nbf and iat are NumericDates, seconds since the epoch written as a number (RFC 7519 section 2), and are never converted from strings");
            }

            if (seconds is < 0 or > LastNumericDate)
            {
                return new(JwtRuleChecks.ClaimType, $"has an '{name}' claim outside 0 to {LastNumericDate} seconds since the epoch (1970 to the end of 9999); a NumericDate counts seconds (RFC 7519 section 2), so check that the issuer does not write milliseconds");
            }
        }

        if (claims.TryGetProperty("iss", out var iss) && iss.ValueKind != JsonValueKind.String)
        {
            return NotString("iss");
        }

        if (claims.TryGetProperty("aud", out var aud) && !IsStringOrStrings(aud))
        {
            return new(JwtRuleChecks.ClaimType, "has an 'aud' claim that is neither a string nor a non-empty array of strings (RFC 7519 section 4.1.3)");
        }

        // sub and jti name the principal and the token in every record made of it; the caller adds its own identity claims.
        if ((CheckIdentity(claims, "sub") ?? CheckIdentity(claims, "jti")) is { } broken)
        {
            return broken;
        }

        foreach (var name in expectations.IdentityClaims)
        {
            if (CheckIdentity(claims, name) is { } unmet)
            {
                return unmet;
            }
        }

        return CheckIssuedAt(claims, expectations);
    }

    private static JwtRuleViolation? CheckIdentity(JsonElement claims, string name)
    {
        if (!claims.TryGetProperty(name, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            return NotString(name);
        }

        return IdentityText.IsAllowed(value.GetString())
            ? null
            : new(JwtRuleChecks.IdentityText, $"has a '{name}' claim Mandate does not accept as an identity value; it must be {IdentityText.Rule}");
    }

    /// <summary>RFC 7519 §4.1.6 allows any iat; RFC 8725 §3.10 practice refuses short-lived tokens issued "in the future".</summary>
    private static JwtRuleViolation? CheckIssuedAt(JsonElement claims, IncomingJwtExpectations expectations)
    {
        if (expectations.Now is not { } now || !claims.TryGetProperty("iat", out var iat))
        {
            return null;
        }

        var latest = now.ToUnixTimeSeconds() + expectations.ClockSkew.TotalSeconds;
        return iat.GetDouble() > latest
            ? new(JwtRuleChecks.IssuedInFuture, $"was issued in the future (its 'iat' is more than {(long)expectations.ClockSkew.TotalSeconds}s ahead of this server's clock); check the issuer's clock (RFC 8725 section 3.10)")
            : null;
    }

    private static bool IsNumericDate(JsonElement value, out double seconds)
    {
        seconds = 0;
        return value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out seconds) && double.IsFinite(seconds);
    }

    private static bool IsStringOrStrings(JsonElement aud) => aud.ValueKind switch
    {
        JsonValueKind.String => true,
        JsonValueKind.Array => aud.GetArrayLength() > 0 && aud.EnumerateArray().All(a => a.ValueKind == JsonValueKind.String),
        _ => false,
    };

    private static JwtRuleViolation NotString(string name) =>
        new(JwtRuleChecks.ClaimType, $"has a '{name}' claim that is not a JSON string; identity claims are strings (RFC 7519 section 4.1) and are never converted from numbers, booleans, arrays or objects");

    private static JwtRuleViolation NotJsonObject() =>
        new(JwtRuleChecks.Malformed, "has a JOSE header or claims set that is not a JSON object with unique member names and no lone surrogate (RFC 7515 section 4, RFC 7519 section 4, RFC 7493 section 2.1); issue it with a standard JWT library");
}
