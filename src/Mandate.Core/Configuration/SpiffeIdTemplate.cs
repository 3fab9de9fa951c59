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
    private readonly ClaimTemplate _template;

    private SpiffeIdTemplate(ClaimTemplate template) => _template = template;

    /// <summary>The template as configured.</summary>
    public string Text => _template.Text;

    /// <summary>The claim names the template reads, in order.</summary>
    public IEnumerable<string> Claims => _template.Claims;

    /// <summary>Parses <paramref name="text"/>; on failure <paramref name="problem"/> says what is wrong and how to write it.</summary>
    public static bool TryParse(string text, out SpiffeIdTemplate? template, out string? problem)
    {
        template = null;
        if (!ClaimTemplate.TryParse(text, out var parsed, out problem))
        {
            return false;
        }

        var candidate = new SpiffeIdTemplate(parsed!);
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
    public bool TryExpand(Func<string, string?> claim, out string spiffeId, out string? failedClaim) =>
        _template.TryExpand(claim, IsSafePathValue, out spiffeId, out failedClaim);

    /// <summary>One or more SPIFFE path segments joined by '/': no empty, '.' or '..' segment, only unreserved characters.</summary>
    public static bool IsSafePathValue(string value) =>
        value.Length is > 0 and <= 255 && value.Split('/').All(IsSafeSegment);

    /// <summary>One SPIFFE path segment (SPIFFE-ID spec §2.2): letters, digits, '.', '-', '_'; not empty, '.' or '..'.</summary>
    public static bool IsSafeSegment(string segment) =>
        segment.Length > 0 && segment is not ("." or "..") && segment.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_');
}
