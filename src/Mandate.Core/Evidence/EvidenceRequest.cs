using System.Text.Json;

namespace Mandate.Core.Evidence;

/// <summary>
/// The body of <c>POST /evidence</c>: <c>{"kind": "eval", "subject": "acme/shop@4f2a9c1", "result": "pass", "details": {…}}</c>.
/// <see cref="Validate"/> says what is wrong, in words for the poster.
/// </summary>
public sealed record EvidenceRequest(string? Kind, string? Subject, string? Result, JsonElement? Details)
{
    /// <summary>Largest details object kept, in characters of JSON.</summary>
    public const int MaxDetails = 4096;

    public string? Validate()
    {
        if (string.IsNullOrEmpty(Kind) || Kind.Length > 64 || !Kind.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'))
        {
            return "kind is required: a short name such as 'eval' (letters, digits, '_', '-', '.')";
        }

        if (Subject is null || !Resolution.ResolveStage.SubjectPattern().IsMatch(Subject))
        {
            return "subject is required: what was checked, e.g. 'acme/shop@4f2a9c1' (1-256 printable characters, no spaces)";
        }

        if (Result is not ("pass" or "fail"))
        {
            return "result must be 'pass' or 'fail'";
        }

        return Details is { } d && d.GetRawText().Length > MaxDetails ? $"details must be at most {MaxDetails} characters of JSON" : null;
    }
}
