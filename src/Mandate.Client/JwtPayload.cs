using System.Buffers.Text;
using System.Text.Json;

namespace Mandate.Client;

/// <summary>
/// Reads claims out of a compact JWT's payload without verifying it: the client only uses them to manage its own
/// cache and display run ids; the broker and the tools verify every token they receive.
/// </summary>
internal static class JwtPayload
{
    /// <summary>The latest <c>exp</c> a <see cref="DateTimeOffset"/> holds (9999-12-31T23:59:59Z).</summary>
    private const long MaxUnixSeconds = 253_402_300_799;

    /// <summary>The payload as JSON, or null when <paramref name="token"/> is not a three-part JWT with a base64url JSON payload.</summary>
    public static JsonDocument? TryRead(string token)
    {
        var parts = token.Split('.');
        if (parts.Length != 3 || !Base64Url.IsValid(parts[1]))
        {
            return null;
        }

        try
        {
            return JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>RFC 7519 §4.1.4 <c>exp</c> (NumericDate seconds), or null when the token is no JWT or carries no numeric one.</summary>
    public static DateTimeOffset? Expiry(string token)
    {
        using var json = TryRead(token);
        if (json?.RootElement is not { ValueKind: JsonValueKind.Object } root || !root.TryGetProperty("exp", out var exp)
            || exp.ValueKind != JsonValueKind.Number || !exp.TryGetDouble(out var seconds) || double.IsNaN(seconds))
        {
            return null;
        }

        return DateTimeOffset.FromUnixTimeSeconds((long)Math.Clamp(Math.Floor(seconds), 0, MaxUnixSeconds));
    }
}
