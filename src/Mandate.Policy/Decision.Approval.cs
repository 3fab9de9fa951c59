namespace Mandate.Policy;

/// <summary>Decision details for rules with a condition, a rate limit or an approval step.</summary>
public sealed partial record Decision
{
    /// <summary>True when a human must approve before a credential is issued.</summary>
    public bool RequiresApproval => Effect == DecisionEffect.RequireApproval;

    /// <summary>require_approval: how long the pending approval waits.</summary>
    public TimeSpan? ApprovalExpiresIn { get; init; }

    /// <summary>The deciding rule's rate limit, so issuance can count against it.</summary>
    public RateLimit? RateLimit { get; init; }
}
