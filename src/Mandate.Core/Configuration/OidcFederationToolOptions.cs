namespace Mandate.Core.Configuration;

/// <summary>
/// The <c>oidc_federation:</c> section of a <c>kind: oidc-federation</c> tool: the ID token's audience
/// (the cloud's federation endpoint expects it) and subject (what the cloud's trust policy matches).
/// </summary>
public sealed record OidcFederationToolOptions
{
    /// <summary>Placeholders a subject template may use.</summary>
    public static readonly IReadOnlyList<string> Placeholders = ["{tenant}", "{agent}", "{run}", "{tool}", "{user}"];

    /// <summary>The token's <c>aud</c>, e.g. <c>sts.amazonaws.com</c>. Required.</summary>
    public required string Audience { get; init; }

    /// <summary>The token's <c>sub</c>: fixed text or a template such as <c>{tenant}:{agent}</c>. Default <c>{agent}</c>.</summary>
    public string Subject { get; init; } = "{agent}";

    /// <summary>Upper bound on the token's lifetime for this tool (policy and lifetimes.max may shorten it further). Optional.</summary>
    public TimeSpan? Lifetime { get; init; }

    /// <summary>The subject for one credential; a missing user renders as <c>none</c>.</summary>
    public string RenderSubject(string tenant, string agent, string run, string tool, string? user) =>
        Subject.Replace("{tenant}", tenant, StringComparison.Ordinal)
            .Replace("{agent}", agent, StringComparison.Ordinal)
            .Replace("{run}", run, StringComparison.Ordinal)
            .Replace("{tool}", tool, StringComparison.Ordinal)
            .Replace("{user}", user ?? "none", StringComparison.Ordinal);
}
