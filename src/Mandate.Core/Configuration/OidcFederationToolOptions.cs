using System.Text.RegularExpressions;

namespace Mandate.Core.Configuration;

/// <summary>
/// The <c>oidc_federation:</c> section of a <c>kind: oidc-federation</c> tool: the ID token's audience
/// (the cloud's federation endpoint expects it) and subject (what the cloud's trust policy matches).
/// </summary>
public sealed partial record OidcFederationToolOptions
{
    /// <summary>What <c>{user}</c> renders as for work without a user.</summary>
    public const string NoUser = "none";

    /// <summary>Placeholders a subject template may use.</summary>
    public static readonly IReadOnlyList<string> Placeholders = ["{tenant}", "{agent}", "{run}", "{tool}", "{user}"];

    /// <summary>The token's <c>aud</c>, e.g. <c>sts.amazonaws.com</c>. Required.</summary>
    public required string Audience { get; init; }

    /// <summary>The token's <c>sub</c>: fixed text or a template such as <c>{tenant}:{agent}</c>. Default <c>{agent}</c>.</summary>
    public string Subject { get; init; } = "{agent}";

    /// <summary>Upper bound on the token's lifetime for this tool (policy and lifetimes.max may shorten it further). Optional.</summary>
    public TimeSpan? Lifetime { get; init; }

    /// <summary>Whether the subject names the user, so work without one renders <see cref="NoUser"/>.</summary>
    public bool NamesUser => Subject.Contains("{user}", StringComparison.Ordinal);

    /// <summary>
    /// The subject for one credential; a missing user renders as <c>none</c>. One pass over the template: a value that
    /// holds a placeholder's text (a caller-named run, a tenant) is written as it is, never substituted in turn.
    /// </summary>
    public string RenderSubject(string tenant, string agent, string run, string tool, string? user) =>
        PlaceholderPattern().Replace(Subject, m => m.Value switch
        {
            "{tenant}" => tenant,
            "{agent}" => agent,
            "{run}" => run,
            "{tool}" => tool,
            _ => user ?? NoUser,
        });

    [GeneratedRegex(@"\{(?:tenant|agent|run|tool|user)\}")]
    private static partial Regex PlaceholderPattern();
}
