using System.Text.Json;
using Mandate.Core.Attestation;
using Mandate.Core.Audit;
using Mandate.Core.Configuration;
using Mandate.Core.Exchange;
using Mandate.Core.Minting;
using Mandate.Core.Protocol;
using Mandate.Core.Revocation;
using Mandate.Core.Storage;
using Mandate.Policy.Expressions;
using Microsoft.Extensions.Logging;
using E = Mandate.Core.Protocol.OAuthConstants.Errors;
using P = Mandate.Core.Protocol.OAuthConstants.Parameters;

namespace Mandate.Core.Approvals;

/// <summary>
/// The CIBA poll (grant_type <c>urn:openid:params:grant-type:ciba</c>, OpenID CIBA §10.1, §11): the agent that
/// asked presents <c>auth_req_id</c> and its actor_token. Pending → authorization_pending, too fast → slow_down,
/// denied → access_denied, expired → expired_token, approved → the credential, minted now and recorded (with
/// the approval consumed) in one transaction before it is returned. A second poll finds it consumed: invalid_grant.
/// The caller is attested like every other grant's (<see cref="ActorAttestor"/>: registry, trust domain, kill
/// switch), and collecting re-checks that the agent, run, tenant and user are still allowed at that moment
/// (<see cref="PrincipalStanding"/>); a refusal is audited and nothing is issued.
/// </summary>
public sealed partial class ApprovalPollHandler
{
    private readonly ActorAttestor _actors;
    private readonly PrincipalStanding _standing;
    private readonly IMandateStore _store;
    private readonly IAuditTrail _trail;
    private readonly AccessTokenMinter _minter;
    private readonly Registry _registry;
    private readonly MandateOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public ApprovalPollHandler(
        ActorAttestor actors, PrincipalStanding standing, IMandateStore store, IAuditTrail trail, AccessTokenMinter minter,
        Registry registry, MandateOptions options, TimeProvider time, ILogger<ApprovalPollHandler> logger)
    {
        _actors = actors;
        _standing = standing;
        _store = store;
        _trail = trail;
        _minter = minter;
        _registry = registry;
        _options = options;
        _time = time;
        _logger = logger;
    }

    public async Task<(TokenExchangeResponse? Response, OAuthError? Error)> HandleAsync(IReadOnlyDictionary<string, string> form, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(form);
        if (!form.TryGetValue(P.AuthReqId, out var id) || string.IsNullOrEmpty(id) || id.Length > 128)
        {
            return Fail(OAuthError.InvalidRequest("auth_req_id is required: the id from the authorization_pending answer"));
        }

        if (!form.TryGetValue(P.ActorToken, out var actorToken) || form.GetValueOrDefault(P.ActorTokenType) != OAuthConstants.TokenTypes.Jwt)
        {
            return Fail(OAuthError.InvalidRequest("actor_token (the agent's JWT-SVID) and actor_token_type=urn:ietf:params:oauth:token-type:jwt are required"));
        }

        try
        {
            var actor = await _actors.AttestAsync(actorToken, certificate: null, cancellationToken);
            if (actor.Error is { } refused)
            {
                if (actor.Identity is { } identity)
                {
                    await RecordAttestationRefusalAsync(id, identity.SpiffeId, actor.CheckId!, refused, cancellationToken);
                }

                return Fail(refused);
            }

            return await PollAsync(id, actor.Identity!.SpiffeId, form.GetValueOrDefault(P.AuthorizationDetails), cancellationToken);
        }
        catch (StoreUnavailableException)
        {
            return Fail(OAuthError.TemporarilyUnavailable("the store is unavailable, so nothing was issued; poll again shortly"));
        }
    }

    private async Task<(TokenExchangeResponse?, OAuthError?)> PollAsync(string id, string agent, string? details, CancellationToken cancellationToken)
    {
        var approval = await _store.GetApprovalAsync(id, cancellationToken);

        // The same answer for unknown and foreign ids: an agent learns nothing about other agents' approvals.
        if (approval is null || approval.Agent != agent)
        {
            return Fail(new OAuthError(E.InvalidGrant, "auth_req_id is unknown or was issued to another agent"));
        }

        if (details is not null && !SameDetails(details, approval))
        {
            return Fail(new OAuthError(E.InvalidGrant, $"authorization_details differ from those approval '{id}' was requested for; an approval covers exactly one tool call, so make a new token request"));
        }

        var now = _time.GetUtcNow();
        switch (approval.Status)
        {
            case ApprovalStatus.Consumed:
                return Fail(new OAuthError(E.InvalidGrant, $"approval '{id}' was already used; approvals are single use, so make a new token request"));
            case ApprovalStatus.Denied:
                return Fail(OAuthError.AccessDenied($"{approval.Approver} denied approval '{id}'" + (approval.DecidedReason is { } r ? $": {r}" : "")));
            case ApprovalStatus.Pending when approval.IsExpired(now):
                return Fail(new OAuthError(E.ExpiredToken, $"approval '{id}' expired unanswered at {approval.ExpiresAt.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}; make a new token request"));
            case ApprovalStatus.Pending:
                if (approval.LastPolledAt is { } last && now - last < TimeSpan.FromSeconds(Exchange.Steps.RequestApproval.PollInterval))
                {
                    return Fail(new OAuthError(E.SlowDown, $"poll at most every {Exchange.Steps.RequestApproval.PollInterval} seconds (CIBA §11); add 5 seconds to your interval"));
                }

                await _store.TouchApprovalAsync(id, now, cancellationToken);
                return Fail(new OAuthError(E.AuthorizationPending, $"approval '{id}' is still waiting for a human: {approval.BindingMessage}"));
            case ApprovalStatus.Approved when now >= PickupDeadline(approval):
                return Fail(new OAuthError(E.ExpiredToken, $"approval '{id}' was approved but not collected in time; make a new token request"));
            default:
                return await CollectAsync(approval, now, cancellationToken);
        }
    }

    /// <summary>Invariant 6: an approval is no way around a revocation made after it was asked for.</summary>
    private async Task<(TokenExchangeResponse?, OAuthError?)> CollectAsync(Approval approval, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var principal = new GrantPrincipal(approval.Agent, approval.Tenant, approval.User, approval.Run, approval.CreatedAt);
        var (run, refusal) = await _standing.CheckAsync(principal, "the approved request", now, cancellationToken);
        if (refusal is not null)
        {
            // RFC 6749 §5.2: a grant that was revoked is invalid_grant.
            var error = new OAuthError(E.InvalidGrant, $"approval '{approval.Id}' can no longer be collected: {refusal.Description}; nothing was issued");
            await RecordRefusalAsync(ApprovalAuditEvents.Refused(approval, refusal.CheckId, error.Description, refusal.Revocation?.Id, now, _options.Node), cancellationToken);
            return Fail(error);
        }

        // Invariant 4: what the approval granted still cannot outlive the global cap or the run.
        var expiresAt = now + TimeSpan.FromSeconds(approval.LifetimeSeconds);
        foreach (var cap in new DateTimeOffset?[] { now + _options.Lifetimes.Max, run?.ExpiresAt })
        {
            if (cap is { } c && c < expiresAt)
            {
                expiresAt = c;
            }
        }

        return await IssueAsync(approval, now, expiresAt, cancellationToken);
    }

    private async Task<(TokenExchangeResponse?, OAuthError?)> IssueAsync(Approval approval, DateTimeOffset now, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        var tool = _registry.FindTool(approval.Tool);
        if (tool is null)
        {
            return Fail(OAuthError.InvalidTarget($"tool '{approval.Tool}' is no longer registered; nothing was issued"));
        }

        if (!Exchange.Steps.RequestApproval.ApprovalIssuable(tool.Kind))
        {
            return Fail(OAuthError.InvalidTarget($"tool '{approval.Tool}' now takes credentials of kind {tool.Kind}, which cannot be issued through an approval; nothing was issued"));
        }

        var claims = new CredentialClaims
        {
            Jti = Ids.New("jti"),
            Subject = approval.User ?? approval.Agent,
            Audience = tool.Resource,
            Agent = approval.Agent,
            Actors = [approval.Agent],
            Scopes = approval.Scope.Split(' ', StringSplitOptions.RemoveEmptyEntries),
            Tenant = approval.Tenant,
            Run = approval.Run,
            PolicyVersion = approval.PolicyVersion,
            DecisionId = approval.DecisionId,
            IssuedAt = now,
            ExpiresAt = expiresAt,
            AuthorizationDetails = ParseDetails(approval.AuthorizationDetails),
            ApprovalId = approval.Id,
            Approver = approval.Approver,
        };
        var (token, kid) = _minter.Mint(claims);

        // Invariant 2 and single use together: the consume and the issuance record commit in one transaction.
        var consumed = await _store.TryTransitionApprovalAsync(
            new ApprovalTransition { Id = approval.Id, From = ApprovalStatus.Approved, To = ApprovalStatus.Consumed, At = now, Jti = claims.Jti },
            [Issuance(approval, claims, kid)],
            cancellationToken);
        if (!consumed)
        {
            return Fail(new OAuthError(E.InvalidGrant, $"approval '{approval.Id}' was already used; approvals are single use"));
        }

        var expiresIn = (int)(claims.ExpiresAt - claims.IssuedAt).TotalSeconds;
        return (new TokenExchangeResponse(token, OAuthConstants.TokenTypes.AccessToken, "Bearer", expiresIn, claims.Scope), null);
    }

    private AuditEvent Issuance(Approval approval, CredentialClaims claims, string kid)
    {
        var evidence = ApprovalAuditEvents.Evidence(approval);
        evidence["approver"] = approval.Approver ?? "";
        evidence["aud"] = claims.Audience;
        evidence["exp"] = claims.ExpiresAt.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        evidence["kid"] = kid;
        evidence["iss"] = _options.Issuer;
        evidence["sub"] = claims.Subject;
        evidence["credential_kind"] = "jwt";
        return new AuditEvent
        {
            Kind = AuditKinds.Issuance,
            Time = claims.IssuedAt,
            Outcome = "issued",
            Agent = claims.Agent,
            Tenant = claims.Tenant,
            User = approval.User,
            Run = claims.Run,
            Tool = approval.Tool,
            Scope = claims.Scope,
            Jti = claims.Jti,
            DecisionId = claims.DecisionId,
            PolicyVersion = claims.PolicyVersion,
            Rule = approval.Rule,
            Reason = $"approved by {approval.Approver}",
            Node = _options.Node,
            Evidence = evidence,
        };
    }

    /// <summary>A caller the shared attestation refused polled for an approval it had asked for: recorded against that approval.</summary>
    private async Task RecordAttestationRefusalAsync(string id, string agent, string check, OAuthError error, CancellationToken cancellationToken)
    {
        var approval = await _store.GetApprovalAsync(id, cancellationToken);
        if (approval is not null && approval.Agent == agent)
        {
            await RecordRefusalAsync(ApprovalAuditEvents.Refused(approval, check, error.Description, null, _time.GetUtcNow(), _options.Node), cancellationToken);
        }
    }

    private async Task RecordRefusalAsync(AuditEvent refusal, CancellationToken cancellationToken)
    {
        try
        {
            await _trail.WriteAsync(new StoreBatch { AuditEvents = [refusal] }, cancellationToken);
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

    private static bool SameDetails(string json, Approval approval)
    {
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 8 });
            return CelValues.FromJson(document.RootElement) is IReadOnlyList<object?> list
                && ApprovalBinding.CanonicalJson(list) == approval.AuthorizationDetails;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static IReadOnlyList<object?>? ParseDetails(string json)
    {
        using var document = JsonDocument.Parse(json);
        return CelValues.FromJson(document.RootElement) as IReadOnlyList<object?> is { Count: > 0 } list ? list : null;
    }

    private static (TokenExchangeResponse?, OAuthError?) Fail(OAuthError error) => (null, error);
}
