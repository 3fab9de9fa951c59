using Mandate.Core.Configuration;
using Mandate.Core.Policy;

namespace Mandate.Core.Minting;

/// <summary>Invariant 4: the global cap bounds every lifetime; the agent and the rule can only shorten it.</summary>
public static class CredentialLifetime
{
    public static TimeSpan For(MandateOptions options, AgentOptions agent, Decision decision)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(decision);
        var lifetime = options.Lifetimes.Default;
        foreach (var cap in new[] { options.Lifetimes.Max, agent.MaxLifetime, decision.MaxLifetime })
        {
            if (cap is { } c && c < lifetime)
            {
                lifetime = c;
            }
        }

        return lifetime;
    }
}
