using Mandate.Core.Configuration;
using Mandate.Core.Protocol;
using Mandate.Core.Runs;

namespace Mandate.Core.Issuance;

/// <summary>
/// Invariant 4, short by construction, computed here only: the global cap bounds everything, and every other
/// limit (agent, rule, the run, the presented run token, the caller's own request) can only shorten. A caller
/// asking for more than the limits allow is refused, not silently granted less, so the refusal names the limit.
/// </summary>
public static class Lifetimes
{
    /// <summary>
    /// A tool credential's lifetime (issued at once or on approval): global cap, agent, rule, the presented run and its
    /// token, and in a sub-agent's run the max_lifetime of every agent above it in the delegation chain.
    /// </summary>
    public static Result<TimeSpan> ForCredential(DateTimeOffset now, TimeSpan? requested, MandateOptions options, AgentOptions agent, TimeSpan? ruleMax, string? rule, PresentedRunToken? run)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(agent);
        var caps = new List<(TimeSpan Cap, string Name)> { (options.Lifetimes.Max, "lifetimes.max") };
        Add(caps, agent.MaxLifetime, $"max_lifetime of agent '{agent.Id}'");
        Add(caps, ruleMax, $"max_lifetime of rule '{rule}'");
        if (run is not null)
        {
            caps.Add((run.ExpiresAt - now, "the expiry of the presented run token"));
            caps.Add((run.Run.ExpiresAt - now, $"the end of run '{run.Run.Id}'"));

            // Invariant 3: a sub-agent's credential never outlives what the agents above it in the chain could get.
            foreach (var above in run.Run.Actors.Where(a => a != agent.Id))
            {
                Add(caps, options.Agents.FirstOrDefault(a => a.Id == above)?.MaxLifetime, $"max_lifetime of agent '{above}' above it in the delegation chain");
            }
        }

        return Choose(requested, options.Lifetimes.Default, caps);
    }

    /// <summary>A run token's lifetime: runs.token_lifetime, the run's end, and for a child the parent's token.</summary>
    public static Result<TimeSpan> ForRunToken(DateTimeOffset now, TimeSpan? requested, MandateOptions options, RunRecord run, DateTimeOffset? parentTokenExpiry)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(run);
        var caps = new List<(TimeSpan Cap, string Name)>
        {
            (options.Runs.TokenLifetime, "runs.token_lifetime"),
            (run.ExpiresAt - now, $"the end of run '{run.Id}'"),
        };
        if (parentTokenExpiry is { } parent)
        {
            caps.Add((parent - now, "the expiry of the parent's run token"));
        }

        return Choose(requested, options.Runs.TokenLifetime, caps);
    }

    /// <summary>
    /// The expiry of a credential collected after approval: the lifetime decided when it was asked for, still bounded
    /// at collection by the global cap and the run (what the approval granted cannot outlive them).
    /// </summary>
    public static DateTimeOffset ForApproval(DateTimeOffset now, TimeSpan approved, MandateOptions options, RunRecord? run)
    {
        ArgumentNullException.ThrowIfNull(options);
        var expiresAt = now + approved;
        foreach (var cap in new DateTimeOffset?[] { now + options.Lifetimes.Max, run?.ExpiresAt })
        {
            if (cap is { } c && c < expiresAt)
            {
                expiresAt = c;
            }
        }

        return expiresAt;
    }

    private static Result<TimeSpan> Choose(TimeSpan? requested, TimeSpan preferred, List<(TimeSpan Cap, string Name)> caps)
    {
        var (cap, name) = caps.MinBy(x => x.Cap);
        if (requested is { } asked)
        {
            if (asked > cap)
            {
                return IssueChecks.LifetimeExceeded.Refuse($"requested_lifetime {asked.TotalSeconds:0}s is longer than {name} allows ({Math.Max(0, cap.TotalSeconds):0}s); ask for at most that");
            }

            preferred = asked;
        }

        var value = preferred < cap ? preferred : cap;
        if (value < TimeSpan.FromSeconds(1))
        {
            return IssueChecks.NoLifetimeLeft.Refuse($"no lifetime is left under {name}; renew the run token or start a new run");
        }

        return TimeSpan.FromSeconds(Math.Floor(value.TotalSeconds));
    }

    private static void Add(List<(TimeSpan, string)> caps, TimeSpan? cap, string name)
    {
        if (cap is { } value)
        {
            caps.Add((value, name));
        }
    }
}
