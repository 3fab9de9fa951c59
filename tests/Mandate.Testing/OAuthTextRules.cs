using System.Text.Json;

namespace Mandate.Testing;

/// <summary>
/// The wire rules for error text, checked on what a client receives: <c>error</c> and <c>error_description</c>
/// within RFC 6749 §5.2's set (%x20-21 / %x23-5B / %x5D-7E), WWW-Authenticate challenges (RFC 6750 §3) visible ASCII
/// whose quoted values hold the same set, and no value of the client's echoed back (<see cref="HostileText.Marker"/>).
/// Each method returns what is wrong, or null.
/// </summary>
public static class OAuthTextRules
{
    public static bool IsAllowed(char c) => c is (>= '\x20' and <= '\x21') or (>= '\x23' and <= '\x5B') or (>= '\x5D' and <= '\x7E');

    /// <summary>Checks the members of a JSON error body that carry error text (OAuth and Problem Details).</summary>
    /// <param name="mediaType">The answer's media type; only JSON bodies are checked.</param>
    /// <param name="body">The answer's body.</param>
    /// <param name="echoChecked">False when the hostile text came from a claim the broker itself signed (not the caller's raw input).</param>
    public static string? BodyViolation(string? mediaType, string body, bool echoChecked = true)
    {
        if (mediaType is not ("application/json" or "application/problem+json") || body.Length == 0)
        {
            return null;
        }

        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(body);
            root = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return $"the {mediaType} body is not JSON: {body}";
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (var member in new[] { "error", "error_description", "detail", "title" })
        {
            if (root.TryGetProperty(member, out var value) && value.ValueKind == JsonValueKind.String && TextViolation(member, value.GetString()!, echoChecked) is { } problem)
            {
                return problem;
            }
        }

        return null;
    }

    /// <summary>One WWW-Authenticate value: visible ASCII and spaces only, no backslash, balanced quotes, each quoted value in the set.</summary>
    /// <param name="challenge">One WWW-Authenticate value.</param>
    /// <param name="echoChecked">False when the hostile text came from a claim the broker itself signed (not the caller's raw input).</param>
    public static string? ChallengeViolation(string challenge, bool echoChecked = true)
    {
        ArgumentNullException.ThrowIfNull(challenge);
        if (challenge.Any(c => c is < '\x20' or > '\x7E' or '\\'))
        {
            return $"WWW-Authenticate has a character outside visible ASCII or a backslash: {Printable(challenge)}";
        }

        if (challenge.Count(c => c == '"') % 2 != 0)
        {
            return $"WWW-Authenticate has an unbalanced quote: {challenge}";
        }

        var quoted = challenge.Split('"');
        for (var i = 1; i < quoted.Length; i += 2)
        {
            if (TextViolation("a quoted WWW-Authenticate value", quoted[i], echoChecked) is { } problem)
            {
                return problem;
            }
        }

        return null;
    }

    /// <summary>Text a client reads: within the set, and without the client's own hostile input.</summary>
    public static string? TextViolation(string what, string text, bool echoChecked = true)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var c in text)
        {
            if (!IsAllowed(c))
            {
                return $"{what} has U+{(int)c:X4}, outside RFC 6749 section 5.2's set: {Printable(text)}";
            }
        }

        return echoChecked && text.Contains(HostileText.Marker, StringComparison.Ordinal) ? $"{what} echoes the client's input: {text}" : null;
    }

    private static string Printable(string text) => string.Concat(text.Select(c => c is >= ' ' and <= '~' ? c.ToString() : $"\\u{(int)c:X4}"));
}
