using Mandate.Core.Resolution;

namespace Mandate.Core.Configuration;

/// <summary>
/// One entry of a <c>kind: ci</c> issuer's <c>evidence_subjects</c>: a subject its tokens may post evidence for, written
/// over the token's claims like <c>spiffe_id</c> (<c>{repository}@{sha}</c>) and, like <c>required_claims</c>, optionally
/// ending in <c>*</c> to allow any subject with that prefix (<c>{repository}@*</c>; <c>*</c> alone allows any subject).
/// A substituted claim is matched literally: its value can never widen the pattern.
/// </summary>
public sealed class EvidenceSubjectTemplate
{
    private readonly ClaimTemplate _template;

    private EvidenceSubjectTemplate(ClaimTemplate template) => _template = template;

    /// <summary>The template as configured; the audit record of an accepted posting names it.</summary>
    public string Text => _template.Text;

    /// <summary>The claim names the template reads, in order.</summary>
    public IEnumerable<string> Claims => _template.Claims;

    /// <summary>Parses <paramref name="text"/>; on failure <paramref name="problem"/> says what is wrong and how to write it.</summary>
    public static bool TryParse(string text, out EvidenceSubjectTemplate? template, out string? problem)
    {
        template = null;
        if (!ClaimTemplate.TryParse(text, out var parsed, out problem))
        {
            return false;
        }

        if (!RequiredClaims.IsValidPattern(text))
        {
            problem = "has a '*' that is not at the end; write an exact subject, or a prefix followed by one '*' at the end";
            return false;
        }

        if (!parsed!.TryExpand(_ => "x", _ => true, out var sample, out _) || !ResolveStage.SubjectPattern().IsMatch(sample))
        {
            problem = "does not give an evidence subject (printable characters without spaces, at most 256), e.g. {repository}@{sha}";
            return false;
        }

        template = new EvidenceSubjectTemplate(parsed);
        return true;
    }

    /// <summary>
    /// True when <paramref name="subject"/> is one this template allows for a token whose claims <paramref name="claim"/> reads.
    /// <paramref name="failedClaim"/> names the first claim the template reads that the token lacks (or holds as something
    /// other than a subject-safe string): then nothing matches (fail closed).
    /// </summary>
    public bool Matches(string subject, Func<string, string?> claim, out string? failedClaim) =>
        _template.TryExpand(claim, IsSafeValue, out var pattern, out failedClaim) && RequiredClaims.Matches(subject, [pattern]);

    // A value holding '*' would turn the operator's exact subject into a prefix; spaces and controls are no subject's.
    private static bool IsSafeValue(string value) => ResolveStage.SubjectPattern().IsMatch(value) && !value.Contains('*', StringComparison.Ordinal);
}
