using Mandate.Core.Approvals;
using Mandate.Core.Attestation;
using Mandate.Core.Audit;
using Mandate.Core.AuthorizationDetails;
using Mandate.Core.Configuration;
using Mandate.Core.Issuance;
using Mandate.Core.Mcp;
using Mandate.Core.Minting;
using Mandate.Core.Policy;
using Mandate.Core.Protocol;
using Mandate.Core.Resolution;
using Mandate.Core.Revocation;
using Mandate.Core.Runs;
using Mandate.Core.Storage;
using Mandate.Policy;
using Mandate.Policy.Expressions;
using Microsoft.Extensions.Logging;

namespace Mandate.Core.Grants;

/// <summary>
/// The CIBA poll (grant_type <c>urn:openid:params:grant-type:ciba</c>, OpenID CIBA §10.1, §11): the agent that
/// asked presents <c>auth_req_id</c> and its actor_token. Pending → authorization_pending, too fast → slow_down (raising
/// the interval the broker requires, <see cref="ApprovalPollPace"/>), denied → access_denied, expired → expired_token,
/// approved → the credential, issued through the Issue stage with the approval consumed in the same transaction as its
/// record. A second poll finds it consumed: invalid_grant.
/// The caller is attested by the same Attest stage as every other grant, and every poll of a live approval (pending
/// or approved) re-checks that the agent, run, tenant and user still stand at that moment, and that the policy in force
/// still has the rule that asked for it (<see cref="ApprovalPolicyCheck"/>); a refusal is
/// invalid_grant, audited, and nothing is issued.
/// </summary>
public sealed partial class ApprovalPollGrant : IGrantHandler
{
    private readonly AttestStage _attest;
    private readonly IssueStage _issue;
    private readonly IMandateStore _store;
    private readonly IUnitOfWork _trail;
    private readonly Registry _registry;
    private readonly PolicyProvider _policy;
    private readonly MandateOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public ApprovalPollGrant(
        AttestStage attest, IssueStage issue, IMandateStore store, IUnitOfWork trail, Registry registry, PolicyProvider policy, MandateOptions options, TimeProvider time, ILogger<ApprovalPollGrant> logger)
    {
        _attest = attest;
        _issue = issue;
        _store = store;
        _trail = trail;
        _registry = registry;
        _policy = policy;
        _options = options;
        _time = time;
        _logger = logger;
    }

    public bool Accepts(TokenRequest request) => request?.GrantType == OAuthConstants.GrantTypes.Ciba;

    public async ValueTask<Result<TokenResponse>> HandleAsync(TokenRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.AuthReqId is not { Length: > 0 } id)
        {
            return ApprovalChecks.AuthReqIdMissing.Refuse("auth_req_id is required: the id from the authorization_pending answer");
        }

        if (id.Length > 128)
        {
            return ApprovalChecks.AuthReqIdTooLong.Refuse("auth_req_id is longer than any id the broker hands out (128 characters); send the id from the authorization_pending answer unchanged");
        }

        if (ActorRefusal(request) is { } malformed)
        {
            return malformed;
        }

        var attested = await _attest.ActorAsync(request, cancellationToken);
        if (attested.Failed(out var refused, out var actor))
        {
            if (attested.Identity is { } identity)
            {
                await RecordAttestationRefusalAsync(id, identity.SpiffeId, refused, cancellationToken);
            }

            return refused;
        }

        return await PollAsync(id, actor, request, cancellationToken);
    }

    /// <summary>
    /// The poll authenticates its agent as the exchange does: its JWT-SVID as actor_token, or its X.509-SVID over
    /// mutual TLS (RFC 8705 §2, tls_client_auth), which the approval may even require (approval.sender_differs).
    /// </summary>
    private static OAuthError? ActorRefusal(TokenRequest request)
    {
        if (request.ActorToken is null && request.Binding.CertificateIdentity is null)
        {
            return ApprovalChecks.ActorTokenMissing.Refuse("actor_token (the agent's JWT-SVID) with actor_token_type=urn:ietf:params:oauth:token-type:jwt is required, or poll over mutual TLS with the agent's X.509-SVID");
        }

        // RFC 8693 §2.1: actor_token_type is REQUIRED with actor_token and MUST NOT be included otherwise.
        var hasToken = request.ActorToken is not null;
        return hasToken == (request.ActorTokenType is not null) && (!hasToken || request.ActorTokenType == OAuthConstants.TokenTypes.Jwt)
            ? null
            : ApprovalChecks.ActorTokenMissing.Refuse("send actor_token together with actor_token_type=urn:ietf:params:oauth:token-type:jwt, or neither when the client certificate identifies the agent");
    }

    private async Task<Result<TokenResponse>> PollAsync(string id, AttestedActor actor, TokenRequest request, CancellationToken cancellationToken)
    {
        var approval = await _store.GetApprovalAsync(id, cancellationToken);

        // The same answer for unknown and foreign ids: an agent learns nothing about other agents' approvals.
        if (approval is null || approval.Agent != actor.SpiffeId)
        {
            return ApprovalChecks.Unknown.Refuse("auth_req_id is unknown or was issued to another agent");
        }

        // Rules with mcp: never grant credentials, so neither does an approval they asked for.
        if (McpCallPolicy.IsToolCallApproval(approval))
        {
            return ApprovalChecks.ToolCallOnly.Refuse($"approval '{id}' approves one MCP tool call; once approved, retry that exact call through the gateway (it issues no credential)");
        }

        // RFC 9396 §5: malformed authorization_details are invalid_authorization_details, as at the exchange.
        if (request.AuthorizationDetails is { } sent && _registry.FindTool(approval.Tool) is { } asked
            && AuthorizationDetailsParser.Parse(sent, asked).Error is { } malformed)
        {
            return ResolveChecks.DetailsInvalid.Refuse(malformed);
        }

        if (request.AuthorizationDetails is { } details && !ApprovalBinding.SameDetails(details, approval))
        {
            return ApprovalChecks.DetailsDiffer.Refuse($"authorization_details differ from those approval '{id}' was requested for; an approval covers exactly one tool call, so make a new token request");
        }

        if (await ApprovalPollSubject.RefusalAsync(_attest, request, actor, approval, cancellationToken) is { } otherSubject)
        {
            return otherSubject;
        }

        var now = _time.GetUtcNow();
        switch (approval.Status)
        {
            case ApprovalStatus.Consumed:
                return ApprovalChecks.Consumed.Refuse($"approval '{id}' was already used; approvals are single use, so make a new token request");
            case ApprovalStatus.Withdrawn:
                return ApprovalChecks.Withdrawn.Refuse($"approval '{id}' was withdrawn: the agent, run, tenant or user it was asked for no longer stands, or the policy rule that asked for it changed (its approval_refused audit record names the check); make a new token request");
            case ApprovalStatus.Denied:
                return ApprovalChecks.Denied.Refuse($"{approval.Approver} denied approval '{id}'" + (approval.DecidedReason is { } r ? $": {r}" : ""));
            case ApprovalStatus.Pending when approval.IsExpired(now):
                return ApprovalChecks.Expired.Refuse($"approval '{id}' expired unanswered at {approval.ExpiresAt.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}; make a new token request");
            case ApprovalStatus.Approved when now >= PickupDeadline(approval):
                return ApprovalChecks.NotCollected.Refuse($"approval '{id}' was approved but not collected in time; make a new token request");
        }

        // Invariant 6 on every poll, also while pending: an approval is no way around a revocation made after it was
        // asked for, and one that can never be collected must not keep the agent waiting for a human.
        var (run, refusal) = await _attest.StandingAsync(approval.Principal(), "the request it approves", now, cancellationToken);
        if (refusal is not null)
        {
            // RFC 6749 §5.2: a grant that was revoked is invalid_grant (access_denied is the human's answer, CIBA §11).
            var error = refusal.Check.Refuse($"approval '{id}' can no longer be collected: {refusal.Description}; nothing was issued") with { Error = OAuthConstants.Errors.InvalidGrant };
            await WithdrawAsync(approval, ApprovalAuditEvents.Withdrawn(approval, refusal.CheckId, error.Description, refusal.Revocation?.Id, now, _options.Node), cancellationToken);
            return error;
        }

        // A versioned policy decides at issuance too: a reload that dropped or changed the rule that asked withdraws it.
        var policy = _policy.Current;
        if (ApprovalPolicyCheck.Refusal(approval, policy) is { } changed)
        {
            var error = ApprovalChecks.PolicyChanged.Refuse($"approval '{id}' can no longer be collected, nothing was issued: {changed}; make a new token request");
            await WithdrawAsync(approval, ApprovalAuditEvents.Withdrawn(approval, ApprovalChecks.PolicyChanged.Id, error.Description, null, now, _options.Node), cancellationToken);
            return error;
        }

        // R12: one the registration in force (a restart since) could never let the agent collect is answered as collecting it would be.
        if (approval.Status == ApprovalStatus.Pending && ApprovalRegistration.Tool(approval, actor.Agent, _registry, _issue).Failed(out var unregistered, out _))
        {
            return unregistered;
        }

        if (approval.Status == ApprovalStatus.Approved)
        {
            return await CollectAsync(approval, actor.Agent, request.Binding, run, policy.Version, now, cancellationToken);
        }

        // CIBA §11: slow_down is "a variant of authorization_pending": a decided approval was answered above at any pace.
        if (await ApprovalPollPace.SlowDownAsync(_store, approval, now, cancellationToken) is { } slowDown)
        {
            return slowDown;
        }

        return ApprovalChecks.Pending.Refuse($"approval '{id}' is still waiting for a human: {approval.BindingMessage}");
    }

    private async Task<Result<TokenResponse>> CollectAsync(Approval approval, AgentOptions agent, SenderBinding binding, RunRecord? run, string policyInForce, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // A request bound to a key is approved for that key: collecting it as bearer (or with another key) would hand out
        // the credential that the policy's sender_constraint, or the agent's own choice, meant to be useless if stolen.
        if (approval.SenderBinding is { } asked && !string.Equals(asked, binding.Holder, StringComparison.Ordinal))
        {
            var fix = asked == "mtls" ? "poll over mutual TLS with the agent's X.509-SVID" : "poll with a DPoP proof signed by the key the request was made with";
            return ApprovalChecks.SenderDiffers.Refuse($"approval '{approval.Id}' was asked by a request bound to {asked}, " +
                $"but this poll is {(binding.Holder is { } other ? "bound to " + other : "a bearer request")}; {fix}; nothing was issued");
        }

        if (ApprovalRegistration.Tool(approval, agent, _registry, _issue).Failed(out var unregistered, out var tool))
        {
            return unregistered;
        }

        var claims = new CredentialClaims
        {
            Jti = Ids.New("jti"),
            Subject = approval.User ?? approval.Agent,
            Audience = tool.Resource,
            Agent = approval.Agent,
            Actors = run?.Actors ?? [approval.Agent], // Invariant 5: a sub-agent's act chain, approved or not
            Scopes = approval.Scope.Split(' ', StringSplitOptions.RemoveEmptyEntries),
            Tenant = approval.Tenant,
            Run = approval.Run,
            PolicyVersion = approval.PolicyVersion,
            DecisionId = approval.DecisionId,
            IssuedAt = now,
            ExpiresAt = Lifetimes.ForApproval(now, TimeSpan.FromSeconds(approval.LifetimeSeconds), _options, run),
            AuthorizationDetails = ApprovalBinding.ParseDetails(approval.AuthorizationDetails),
            ApprovalId = approval.Id,
            Approver = approval.Approver,
            // RFC 9449 §5 (for every grant type): a poll with a DPoP proof, or over mTLS, collects a credential bound to it.
            Confirmation = binding.Confirmation,
        };
        var evidence = ApprovalAuditEvents.Evidence(approval);
        evidence["approver"] = approval.Approver ?? "";
        // The credential's pol names the version the approval was asked under; a reload since then is on the record too.
        evidence["approval_policy_version"] = approval.PolicyVersion;
        evidence["policy_version_in_force"] = policyInForce;
        SenderBindingEvidence.Add(evidence, binding);
        var grounds = new IssuanceGrounds(evidence, approval.Tool, approval.User, approval.Rule, $"approved by {approval.Approver}");
        var transition = new ApprovalTransition { Id = approval.Id, From = ApprovalStatus.Approved, To = ApprovalStatus.Consumed, At = now };
        return await _issue.CredentialAsync(new CredentialIssue(claims, tool, grounds) { Consume = transition, Rule = approval.Rule, RateIncrements = ApprovalRateIncrements.ForCollection(approval, now) }, cancellationToken);
    }

    /// <summary>A caller the Attest stage refused polled for an approval it had asked for: recorded against that approval.</summary>
    private async Task RecordAttestationRefusalAsync(string id, string agent, OAuthError error, CancellationToken cancellationToken)
    {
        var approval = await _store.GetApprovalAsync(id, cancellationToken);
        if (approval is not null && approval.Agent == agent)
        {
            await RecordRefusalAsync(ApprovalAuditEvents.Refused(approval, error.CheckId ?? "", error.Description, null, _time.GetUtcNow(), _options.Node), cancellationToken);
        }
    }

    /// <summary>
    /// The approval can never be collected: withdrawn with its record, so approvers no longer see it pending. When it
    /// changed meanwhile (decided, expired), the refusal is recorded alone.
    /// </summary>
    private async Task WithdrawAsync(Approval approval, AuditEvent withdrawal, CancellationToken cancellationToken)
    {
        var transition = new ApprovalTransition { Id = approval.Id, From = approval.Status, To = ApprovalStatus.Withdrawn, At = withdrawal.Time };
        try
        {
            if (await _store.TryTransitionApprovalAsync(transition, [withdrawal], cancellationToken))
            {
                return;
            }
        }
        catch (StoreUnavailableException e)
        {
            LogRefusalNotRecorded(_logger, approval.Id, e.Message);
            return;
        }

        await RecordRefusalAsync(withdrawal with { Outcome = "refused" }, cancellationToken);
    }

    private async Task RecordRefusalAsync(AuditEvent refusal, CancellationToken cancellationToken)
    {
        try
        {
            await _trail.CommitAsync(new StoreBatch(refusal), cancellationToken);
        }
        catch (StoreUnavailableException e)
        {
            // The refusal stands either way; losing its record is worth an operator's attention.
            LogRefusalNotRecorded(_logger, refusal.Evidence.GetValueOrDefault("approval_id", "?"), e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Refused collection of approval {ApprovalId} could not be recorded: {Error}")]
    private static partial void LogRefusalNotRecorded(ILogger logger, string approvalId, string error);

    /// <summary>An approved request is collected by the expiry, or within two minutes of a late approval.</summary>
    internal static DateTimeOffset PickupDeadline(Approval approval)
    {
        var late = (approval.DecidedAt ?? approval.ExpiresAt) + TimeSpan.FromMinutes(2);
        return late > approval.ExpiresAt ? late : approval.ExpiresAt;
    }
}
