using Mandate.Core.RateLimits;
using Mandate.Policy;

namespace Mandate.Core.Exchange;

/// <summary>What the policy-state steps load before the decision, and what issuance writes back.</summary>
public sealed partial class ExchangeContext
{
    /// <summary>Validated RFC 9396 authorization_details as expression values; empty when the request has none.</summary>
    public IReadOnlyList<object?> AuthorizationDetails { get; set; } = [];

    /// <summary>The <c>evidence_subject</c> parameter, if given.</summary>
    public string? EvidenceSubject { get; set; }

    /// <summary>Latest evidence result per kind for <see cref="EvidenceSubject"/>.</summary>
    public IReadOnlyDictionary<string, string> Evidence { get; set; } = new Dictionary<string, string>();

    /// <summary>Counts in the current window per rule id, for the rules with a rate limit.</summary>
    public IReadOnlyDictionary<string, long> RateCounts { get; set; } = new Dictionary<string, long>();

    /// <summary>The user's token claims for conditions (registered JWT claims left out).</summary>
    public IReadOnlyDictionary<string, object?> UserClaims => User?.Claims ?? new Dictionary<string, object?>();

    /// <summary>Adds the loaded state to the input the policy decides on; evaluation stays pure.</summary>
    public PolicyInput WithPolicyState(PolicyInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input with
        {
            Now = Now,
            RunId = Run,
            UserClaims = UserClaims,
            AuthorizationDetails = AuthorizationDetails,
            EvidenceSubject = EvidenceSubject,
            Evidence = Evidence,
            RateCounts = RateCounts,
        };
    }

    /// <summary>The decision for a single tool credential (the first and only one); null before the decision.</summary>
    public Decision? Decision => Decisions.Count > 0 ? Decisions[0].Decision : null;

    /// <summary>The counter increment for the deciding rule's rate limit, written with the issuance records.</summary>
    public IReadOnlyList<RateIncrement> RateIncrements()
    {
        if (Decision is not { RuleId: { } rule, RateLimit: { } limit })
        {
            return [];
        }

        return [new RateIncrement(limit.CounterKey(rule, RateInput(), Now), limit.WindowStart(Now) + limit.Window)];
    }

    /// <summary>The identity part of the policy input: enough to key rate-limit counters.</summary>
    internal PolicyInput RateInput() => new()
    {
        Agent = Actor!.SpiffeId,
        Tool = Tool!.Name,
        Scopes = Scopes,
        Tenant = Tenant!,
        Subject = Subject,
        UserTenant = User?.Tenant,
        User = User?.Subject,
        Environment = "",
        RunId = Run,
    };
}
