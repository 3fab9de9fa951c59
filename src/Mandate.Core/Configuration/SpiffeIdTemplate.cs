using System.Text;
using Mandate.Core.Protocol;

namespace Mandate.Core.Configuration;

/// <summary>
/// A SPIFFE ID with <c>{claim}</c> placeholders, e.g. <c>spiffe://acme.example/ci/github/{repository}</c>.
/// Substituted values must be SPIFFE path segments (SPIFFE-ID spec §2.2: letters, digits, '.', '-', '_');
/// a '/' inside a value separates segments (GitHub's owner/repo) but never yields an empty, '.' or '..' segment,
/// so a claim cannot climb out of the path the operator wrote.
/// </summary>
public sealed class SpiffeIdTemplate
{
    private readonly List<(string Text, bool IsClaim)> _parts;

    private SpiffeIdTemplate(string text, List<(string Text, bool IsClaim)> parts)
    {
        Text = text;
        _parts = parts;
    }

    /// <summary>The template as configured.</summary>
    public string Text { get; }

    /// <summary>The claim names the template reads, in order.</summary>
    public IEnumerable<string> Claims => _parts.Where(p => p.IsClaim).Select(p => p.Text);

    /// <summary>Parses <paramref name="text"/>; on failure <paramref name="problem"/> says what is wrong and how to write it.</summary>
    public static bool TryParse(string text, out SpiffeIdTemplate? template, out string? problem)
    {
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
        var candidate = new SpiffeIdTemplate(text, parts);
        if (!candidate.Claims.Any())
        {
            problem = "has no {claim} placeholder, so every token would map to the same workload; name the claims that tell workloads apart";
            return false;
        }

        if (!candidate.TryExpand(_ => "x", out var sample, out _) || !SpiffeId.IsValid(sample) || !text.StartsWith(SpiffeId.Scheme, StringComparison.Ordinal) || text[SpiffeId.Scheme.Length..].Split('/')[0].Contains('{', StringComparison.Ordinal))
        {
            problem = "does not give a SPIFFE ID; write spiffe://<trust-domain>/<path with {claim} placeholders>";
            return false;
        }

        template = candidate;
        return true;
    }

    /// <summary>The trust domain the template's SPIFFE IDs fall in.</summary>
    public string TrustDomain => Text[SpiffeId.Scheme.Length..].Split('/')[0];

    /// <summary>
    /// Substitutes claims; <paramref name="failedClaim"/> names the first claim that is missing or not a safe path value.
    /// </summary>
    public bool TryExpand(Func<string, string?> claim, out string spiffeId, out string? failedClaim)
    {
        var result = new StringBuilder();
        foreach (var (text, isClaim) in _parts)
        {
            if (!isClaim)
            {
                result.Append(text);
                continue;
            }

            var value = claim(text);
            if (value is null || !IsSafePathValue(value))
            {
                spiffeId = "";
                failedClaim = text;
                return false;
            }

            result.Append(value);
        }

        spiffeId = result.ToString();
        failedClaim = null;
        return true;
    }

    /// <summary>One or more SPIFFE path segments joined by '/': no empty, '.' or '..' segment, only unreserved characters.</summary>
    public static bool IsSafePathValue(string value) =>
        value.Length is > 0 and <= 255 && value.Split('/').All(IsSafeSegment);

    /// <summary>One SPIFFE path segment (SPIFFE-ID spec §2.2): letters, digits, '.', '-', '_'; not empty, '.' or '..'.</summary>
    public static bool IsSafeSegment(string segment) =>
        segment.Length > 0 && segment is not ("." or "..") && segment.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_');

    private static bool IsClaimNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or ':';
}
