namespace Mandate.Policy;

/// <summary>How the request is bound to its sender, for rules with <c>sender_constraint:</c>.</summary>
public sealed partial record PolicyInput
{
    /// <summary>
    /// How the credential would be bound (docs/sender-constraint.md). Null when not applicable (a run
    /// token's envelope: each tool credential of the run is checked when it is requested).
    /// </summary>
    public SenderConstraintKind? SenderConstraint { get; init; }
}
