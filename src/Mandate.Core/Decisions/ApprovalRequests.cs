using Mandate.Core.Approvals;
using Mandate.Core.Attestation;
using Mandate.Core.Audit;
using Mandate.Core.Configuration;
using Mandate.Core.Grants;
using Mandate.Core.Protocol;
using Mandate.Core.Resolution;
using Mandate.Core.Storage;
using Mandate.Policy;

namespace Mandate.Core.Decisions;

/// <summary>
/// For a require_approval decision: records a pending approval bound to this one tool call and answers
/// CIBA-style (OpenID CIBA §7.3, §11): <c>authorization_pending</c> with <c>auth_req_id</c>, <c>expires_in</c>
/// and <c>interval</c>. The agent then polls the token endpoint with grant_type ciba.
/// </summary>
public sealed class ApprovalRequests
{
    /// <summary>Seconds an agent must wait between polls (CIBA §7.3 <c>interval</c>).</summary>
    public const int PollInterval = 5;

    /// <summary>Seconds every <c>slow_down</c> answer adds to an approval's poll interval (CIBA §11).</summary>
    public const int SlowDownIncrement = 5;

    /// <summary>
    /// The longest poll interval <c>slow_down</c> raises an approval's to, in seconds: an agent that keeps polling too
    /// fast is held to one <c>authorization_pending</c> a minute. A decided approval is answered at any pace.
    /// </summary>
    public const int MaxPollInterval = 60;

    private readonly IUnitOfWork _trail;
    private readonly IApprovalStore _store;
    private readonly AttestStage _attest;
    private readonly MandateOptions _options;

    public ApprovalRequests(IUnitOfWork trail, IApprovalStore store, AttestStage attest, MandateOptions options)
    {
        _trail = trail;
        _store = store;
        _attest = attest;
        _options = options;
    }

    /// <summary>
    /// Records the pending approval with its decision record; the answer is always a refusal (pending). A retry of a
    /// request whose approval is still pending gets that approval's <c>auth_req_id</c> again, so approvers see one
    /// request, not one per retry; also when two nodes are asked at the same instant (the store inserts an approval only
    /// when no pending one answers for the request, checked inside its serialized write). A <c>recheck</c> must still hold
    /// once the approval is durable (a caller-named run still this principal's); its refusal withdraws the approval and is
    /// the answer.
    /// </summary>
    public async Task<OAuthError> RequestAsync(
        GrantFacts facts, ResolvedTool tool, RequestDetails details, ToolDecision decided, TimeSpan lifetime, CancellationToken cancellationToken,
        Func<CancellationToken, Task<OAuthError?>>? recheck = null)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(decided);
        var approval = Create(facts, tool, details, decided.Decision, lifetime) with
        {
            RuleAgent = decided.ApprovalRequiredBy,
            // The counters the credential would move if issued now; the collection commits them (docs/policy.md, Rate limits).
            RateIncrements = ApprovalRateIncrements.Serialize(DecideStage.RateIncrements(decided, DecideStage.RateInput(facts, tool), facts.Now)),
        };
        var pending = GrantAuditEvents.Decision(facts, decided, _options.Node) with { Outcome = "pending", Scope = approval.Scope };
        var twin = await PendingTwinAsync(approval, facts.Now, cancellationToken);
        if (twin is null && await _store.TryInsertApprovalAsync(approval, [pending, ApprovalAuditEvents.Requested(approval, _options.Node)], cancellationToken))
        {
            return await RecordedAsync(approval, facts.Now, decided.Decision, recheck, cancellationToken);
        }

        // Another node recorded this request's approval first. When that one no longer stands (revoked meanwhile), this
        // request's approval is recorded after all: it is judged on its own when polled.
        twin ??= await PendingTwinAsync(approval, facts.Now, cancellationToken);
        if (twin is null)
        {
            await _trail.CommitAsync(new StoreBatch(approval, pending, ApprovalAuditEvents.Requested(approval, _options.Node)), cancellationToken);
            return await RecordedAsync(approval, facts.Now, decided.Decision, recheck, cancellationToken);
        }

        await _trail.CommitAsync(new StoreBatch(pending, ApprovalAuditEvents.Repeated(twin, facts.DecisionId, facts.Now, _options.Node)), cancellationToken);
        return Pending(twin, facts.Now, decided.Decision);
    }

    /// <summary>
    /// The pending approval (read from the store, so across nodes) asked for exactly what <paramref name="asked"/> asks:
    /// the same binding hash, policy version and rule, bound to the same sender, for no longer a lifetime, not yet
    /// expired and still standing (one that can never be collected is not handed out again). Null when there is none.
    /// </summary>
    private async Task<Approval?> PendingTwinAsync(Approval asked, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var found = await _store.FindApprovalByBindingAsync(asked.BindingHash, cancellationToken);
        if (found is not { Status: ApprovalStatus.Pending } || found.IsExpired(now) || found.Agent != asked.Agent
            || found.PolicyVersion != asked.PolicyVersion || found.Rule != asked.Rule
            || found.SenderBinding != asked.SenderBinding || found.LifetimeSeconds > asked.LifetimeSeconds)
        {
            return null;
        }

        var (_, refusal) = await _attest.StandingAsync(found.Principal(), "the pending approval", now, cancellationToken);
        return refusal is null ? found : null;
    }

    /// <summary>
    /// The answer for a newly recorded approval: pending, unless <paramref name="recheck"/> refuses now that it is durable
    /// (another node's record came first); then it is withdrawn with its record, so it can never be collected.
    /// </summary>
    private async Task<OAuthError> RecordedAsync(Approval approval, DateTimeOffset now, Decision decision, Func<CancellationToken, Task<OAuthError?>>? recheck, CancellationToken cancellationToken)
    {
        if (recheck is null || await recheck(cancellationToken) is not { } lost)
        {
            return Pending(approval, now, decision);
        }

        var withdrawn = ApprovalAuditEvents.Withdrawn(approval, lost.CheckId ?? lost.Error, lost.Description, null, now, _options.Node);
        var transition = new ApprovalTransition { Id = approval.Id, From = ApprovalStatus.Pending, To = ApprovalStatus.Withdrawn, At = now };
        await _store.TryTransitionApprovalAsync(transition, [withdrawn], cancellationToken);
        return lost;
    }

    private static OAuthError Pending(Approval approval, DateTimeOffset now, Decision decision) =>
        DecideChecks.ApprovalPending.Refuse(approval.BindingMessage + $" - waiting for a human to approve (rule '{decision.RuleId}')") with
        {
            Extra = new Dictionary<string, object>
            {
                [OAuthConstants.Parameters.AuthReqId] = approval.Id,
                ["expires_in"] = (int)(approval.ExpiresAt - now).TotalSeconds,
                ["interval"] = PollInterval,
            },
        };

    /// <summary>The refusal when the tool's kind cannot be issued through the approval poll.</summary>
    public static OAuthError KindNotIssuable(Decision decision, ToolOptions tool)
    {
        ArgumentNullException.ThrowIfNull(decision);
        ArgumentNullException.ThrowIfNull(tool);
        return DecideChecks.ApprovalKind.Refuse(
            $"rule '{decision.RuleId}' requires human approval, but tool '{tool.Name}' takes credentials of kind {tool.Kind}, which cannot be issued through an approval yet; " +
            "an operator must drop require_approval for this tool or allow the request without it");
    }

    private static Approval Create(GrantFacts facts, ResolvedTool tool, RequestDetails details, Decision decision, TimeSpan lifetime)
    {
        var scope = string.Join(' ', decision.GrantedScopes);
        var canonical = ApprovalBinding.CanonicalJson(details.AuthorizationDetails);
        var agent = facts.Actor.SpiffeId;
        var user = facts.User;
        var (tenant, run, name) = (facts.Placement.Tenant, facts.Placement.Run, tool.Tool.Name);
        return new Approval
        {
            Id = Ids.NewHandle("areq", facts.Now),
            Status = ApprovalStatus.Pending,
            Agent = agent,
            Run = run,
            Tool = name,
            Tenant = tenant,
            User = user,
            Scope = scope,
            AuthorizationDetails = canonical,
            // A run made up for this request alone is left out, so a retry of the same request binds the same.
            BindingHash = ApprovalBinding.Hash(agent, facts.Placement.RunGenerated ? "" : run, name, scope, tenant, user, canonical),
            BindingMessage = ApprovalBinding.Message(agent, name, scope, tenant, user, details.AuthorizationDetails),
            Rule = decision.RuleId ?? "",
            PolicyVersion = decision.PolicyVersion,
            DecisionId = facts.DecisionId,
            LifetimeSeconds = (int)lifetime.TotalSeconds,
            CreatedAt = facts.Now,
            ExpiresAt = facts.Now + (decision.ApprovalExpiresIn ?? TimeSpan.FromMinutes(10)),
            IdentityIssuedAt = IdentityIssuedAt(facts),
            UserIssuer = facts.Subject is { Run: null, User: { } asker } ? asker.Issuer : null,
            SenderBinding = facts.Binding.Holder,
        };
    }

    // What a tenant or user revocation is judged from when the approval is collected: the user token it was asked with
    // (one without iat counts as issued before any revocation). A recorded run is judged from its start instead.
    private static DateTimeOffset? IdentityIssuedAt(GrantFacts facts)
    {
        if (facts.Subject is not { Run: null, User: { } user })
        {
            return null;
        }

        var issuedAt = user.IssuedAt ?? DateTimeOffset.UnixEpoch;
        return issuedAt < facts.Now ? issuedAt : facts.Now;
    }
}
