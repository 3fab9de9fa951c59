using Mandate.Core.Configuration;
using Mandate.Core.Protocol;

namespace Mandate.Core.Exchange;

/// <summary>
/// Invariant 4, short by construction: the global cap bounds everything, and every other limit (agent,
/// rule, the run, the presented run token, the caller's own request) can only shorten. A caller asking
/// for more than the limits allow is refused, not silently granted less, so the refusal names the limit.
/// </summary>
internal static class Lifetimes
{
    public static (TimeSpan Value, OAuthError? Error) ForCredential(ExchangeContext c, MandateOptions o, TimeSpan? ruleMax)
    {
        var caps = new List<(TimeSpan Cap, string Name)>
        {
            (o.Lifetimes.Max, "lifetimes.max"),
        };
        Add(caps, c.Agent!.MaxLifetime, $"max_lifetime of agent '{c.Agent.Id}'");
        Add(caps, ruleMax, $"max_lifetime of rule '{c.Decisions[0].Decision.RuleId}'");
        if (c.SubjectRun is { } run)
        {
            caps.Add((run.ExpiresAt - c.Now, "the expiry of the presented run token"));
            caps.Add((run.Run.ExpiresAt - c.Now, $"the end of run '{run.Run.Id}'"));
        }

        return Choose(c, o.Lifetimes.Default, caps);
    }

    public static (TimeSpan Value, OAuthError? Error) Choose(ExchangeContext c, TimeSpan preferred, List<(TimeSpan Cap, string Name)> caps)
    {
        var (cap, name) = caps.MinBy(x => x.Cap);
        if (c.RequestedLifetime is { } requested)
        {
            if (requested > cap)
            {
                return (default, OAuthError.InvalidRequest($"requested_lifetime {requested.TotalSeconds:0}s is longer than {name} allows ({Math.Max(0, cap.TotalSeconds):0}s); ask for at most that"));
            }

            preferred = requested;
        }

        var value = preferred < cap ? preferred : cap;
        if (value < TimeSpan.FromSeconds(1))
        {
            return (default, OAuthError.InvalidRequest($"no lifetime is left under {name}; renew the run token or start a new run"));
        }

        return (TimeSpan.FromSeconds(Math.Floor(value.TotalSeconds)), null);
    }

    private static void Add(List<(TimeSpan, string)> caps, TimeSpan? cap, string name)
    {
        if (cap is { } value)
        {
            caps.Add((value, name));
        }
    }
}
