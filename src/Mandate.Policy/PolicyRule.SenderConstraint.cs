namespace Mandate.Policy;

/// <summary>The <c>sender_constraint:</c> key: allow only credentials bound to their holder.</summary>
public sealed partial class PolicyRule
{
    /// <summary>Allow rules: how the request must be bound; <see cref="SenderConstraintRequirement.None"/> for bearer.</summary>
    public SenderConstraintRequirement SenderConstraint { get; internal init; }

    internal bool MatchesSenderConstraint(PolicyInput input) => input.SenderConstraint is not { } kind || SenderConstraint switch
    {
        SenderConstraintRequirement.Mtls => kind == SenderConstraintKind.Mtls,
        SenderConstraintRequirement.Dpop => kind == SenderConstraintKind.Dpop,
        SenderConstraintRequirement.Any => kind != SenderConstraintKind.None,
        _ => true,
    };

    /// <summary>The refusal text for a request that is not bound as the rule requires.</summary>
    internal (string Reason, string Remedy) ExplainSenderConstraint(PolicyInput input)
    {
        var how = input.SenderConstraint switch
        {
            SenderConstraintKind.Dpop => "DPoP-bound",
            SenderConstraintKind.Mtls => "bound to a client certificate",
            _ => "a bearer request",
        };
        var (wanted, remedy) = SenderConstraint switch
        {
            SenderConstraintRequirement.Mtls => ("an mTLS-bound credential", "call over mTLS with your X.509-SVID (and without a DPoP header, which would take precedence)"),
            SenderConstraintRequirement.Dpop => ("a DPoP-bound credential", "present a DPoP proof (RFC 9449) in a DPoP header"),
            _ => ("a sender-constrained credential", "present a DPoP proof, or call over mTLS with your X.509-SVID"),
        };
        return ($"rule '{Id}' requires {wanted} (sender_constraint: {SenderConstraint.ToString().ToLowerInvariant()}), but this request is {how}", remedy);
    }
}
