namespace Mandate.Policy;

public enum DecisionEffect
{
    Allow,
    Deny,

    /// <summary>A human must approve first; the request is answered with <c>authorization_pending</c>.</summary>
    RequireApproval,
}

/// <summary>
/// The outcome of one evaluation. <see cref="RuleId"/> names the rule that allowed or denied, or is
/// null when nothing matched (default deny). <see cref="Reason"/> and <see cref="Remedy"/> are
/// written for the operator reading a refusal (audit, logs, <c>policy explain</c> and <c>policy test</c>): what
/// refused, and what would make it yes. <see cref="CallerReason"/> and <see cref="CallerRemedy"/> are what the
/// caller is told: the same, without the policy's content about other tenants and with a long condition cut.
/// </summary>
public sealed partial record Decision
{
    private readonly string? _callerReason;
    private readonly string? _callerRemedy;

    public required DecisionEffect Effect { get; init; }
    public string? RuleId { get; init; }
    public required string Reason { get; init; }
    public string? Remedy { get; init; }

    /// <summary>The reason the caller reads (<c>error_description</c>, the MCP gateway's refusal); <see cref="Reason"/> unless the explanation set its own.</summary>
    public string CallerReason
    {
        get => _callerReason ?? Reason;
        init => _callerReason = value;
    }

    /// <summary>The remedy the caller reads; <see cref="Remedy"/> unless the explanation set its own.</summary>
    public string? CallerRemedy
    {
        get => _callerRemedy ?? Remedy;
        init => _callerRemedy = value;
    }

    /// <summary>Scopes the credential may carry (empty on deny).</summary>
    public IReadOnlyList<string> GrantedScopes { get; init; } = [];

    /// <summary>The rule's lifetime cap, if it sets one. The broker's hard cap still applies.</summary>
    public TimeSpan? MaxLifetime { get; init; }

    /// <summary>Content hash of the policy that decided, e.g. <c>sha256:9f2c…</c>.</summary>
    public required string PolicyVersion { get; init; }

    /// <summary>True when the refusal is about the requested scopes (reported as invalid_scope).</summary>
    public bool ScopeDenied { get; init; }

    public bool IsAllowed => Effect == DecisionEffect.Allow;
}
