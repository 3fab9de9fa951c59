using System.Text;

namespace Mandate.Core.Configuration;

/// <summary>
/// Text with <c>{claim}</c> placeholders, each replaced by that claim of a token: the renderer behind an issuer's
/// <c>spiffe_id</c> (<see cref="SpiffeIdTemplate"/>) and its <c>evidence_subjects</c> (<see cref="EvidenceSubjectTemplate"/>).
/// Each user of it says which claim values are safe to substitute; a value that is not refuses the whole expansion.
/// </summary>
public sealed class ClaimTemplate
{
    private readonly List<(string Text, bool IsClaim)> _parts;

    private ClaimTemplate(string text, List<(string Text, bool IsClaim)> parts)
    {
        Text = text;
        _parts = parts;
    }

    /// <summary>The template as configured.</summary>
    public string Text { get; }

    /// <summary>The claim names the template reads, in order.</summary>
    public IEnumerable<string> Claims => _parts.Where(p => p.IsClaim).Select(p => p.Text);

    /// <summary>Parses <paramref name="text"/>; on failure <paramref name="problem"/> says what is wrong and how to write it.</summary>
    public static bool TryParse(string text, out ClaimTemplate? template, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(text);
        template = null;
        problem = null;
        var parts = new List<(string, bool)>();
        var literal = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '}')
            {
                problem = "has a '}' without a '{'; write placeholders as {claim}";
                return false;
            }

            if (text[i] != '{')
            {
                literal.Append(text[i]);
                continue;
            }

            var end = text.IndexOf('}', i + 1);
            var name = end < 0 ? "" : text[(i + 1)..end];
            if (end < 0 || name.Length == 0 || !name.All(IsClaimNameChar))
            {
                problem = "has a placeholder that is not {claim} (a claim name of letters, digits, '_', '-', '.' or ':')";
                return false;
            }

            parts.Add((literal.ToString(), false));
            literal.Clear();
            parts.Add((name, true));
            i = end;
        }

        parts.Add((literal.ToString(), false));
        template = new ClaimTemplate(text, parts);
        return true;
    }

    /// <summary>
    /// Substitutes claims; <paramref name="failedClaim"/> names the first claim that is missing or that
    /// <paramref name="isSafe"/> refuses (fail closed: it never expands to an empty or partial value).
    /// </summary>
    public bool TryExpand(Func<string, string?> claim, Func<string, bool> isSafe, out string expanded, out string? failedClaim)
    {
        ArgumentNullException.ThrowIfNull(claim);
        ArgumentNullException.ThrowIfNull(isSafe);
        var result = new StringBuilder();
        foreach (var (text, isClaim) in _parts)
        {
            if (!isClaim)
            {
                result.Append(text);
                continue;
            }

            var value = claim(text);
            if (value is null || !isSafe(value))
            {
                expanded = "";
                failedClaim = text;
                return false;
            }

            result.Append(value);
        }

        expanded = result.ToString();
        failedClaim = null;
        return true;
    }

    private static bool IsClaimNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or ':';
}
