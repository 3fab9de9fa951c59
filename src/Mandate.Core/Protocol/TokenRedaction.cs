using System.Text.RegularExpressions;

namespace Mandate.Core.Protocol;

/// <summary>
/// Invariant 8 for text that repeats request input: a refusal names the unknown scope, run or tenant it was given, and a
/// client that put a whole token in that parameter would otherwise read it back, log it and have the audit trail keep
/// it for good. A compact JWS or JWE (a base64url JSON header, <c>eyJ</c> being <c>{"</c>, and two or four more
/// segments) is replaced by <see cref="Placeholder"/>.
/// </summary>
public static partial class TokenRedaction
{
    public const string Placeholder = "[token]";

    /// <summary>Whether <paramref name="text"/> holds a compact JWS or JWE anywhere (<c>Bearer eyJ…</c>, a JWT pasted into a reason).</summary>
    public static bool Holds(string text) => CompactToken().IsMatch(text);

    public static string Redact(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Contains("eyJ", StringComparison.Ordinal) ? CompactToken().Replace(text, Placeholder) : text;
    }

    // The payload between the dots may be empty (a JWE's encrypted key).
    [GeneratedRegex(@"eyJ[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]*){2,4}", RegexOptions.CultureInvariant)]
    private static partial Regex CompactToken();
}
