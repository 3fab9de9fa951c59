namespace Mandate.Policy;

/// <summary>Decides one request against the current policy snapshot. Pure and synchronous: no I/O on the request path.</summary>
public interface IPolicyDecisionPoint
{
    Decision Evaluate(PolicyInput input);
}
