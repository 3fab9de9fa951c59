namespace Mandate.Policy;

/// <summary>Decides one request against the current policy snapshot. Pure and synchronous: no I/O on the request path.</summary>
public interface IPolicyDecisionPoint
{
    Decision Evaluate(PolicyInput input);

    /// <summary>Decides against <paramref name="policy"/>, the snapshot the request pinned when it loaded its state.</summary>
    Decision Evaluate(PolicySnapshot policy, PolicyInput input) => PolicyEngine.Evaluate(policy, input);
}
