using Mandate.Policy;

namespace Mandate.Core.Policy;

/// <summary>Evaluates against whatever snapshot the provider holds at the moment of the call (one snapshot per request).</summary>
public sealed class CurrentPolicyDecisionPoint : IPolicyDecisionPoint
{
    private readonly PolicyProvider _provider;

    public CurrentPolicyDecisionPoint(PolicyProvider provider) => _provider = provider;

    public Decision Evaluate(PolicyInput input) => PolicyEngine.Evaluate(_provider.Current, input);
}
