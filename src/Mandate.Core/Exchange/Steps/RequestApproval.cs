using Mandate.Core.Approvals;
using Mandate.Core.Audit;
using Mandate.Core.Configuration;
using Mandate.Core.Minting;
using Mandate.Core.Protocol;
using Mandate.Core.Storage;

namespace Mandate.Core.Exchange.Steps;

/// <summary>
/// For a require_approval decision: records a pending approval bound to this one tool call and answers
/// CIBA-style (OpenID CIBA §7.3, §11): <c>authorization_pending</c> with <c>auth_req_id</c>, <c>expires_in</c>
/// and <c>interval</c>. The agent then polls the token endpoint with grant_type ciba.
/// </summary>
public sealed class RequestApproval : IExchangeStep
{
    /// <summary>Seconds an agent must wait between polls (CIBA §7.3 <c>interval</c>).</summary>
    public const int PollInterval = 5;

    private readonly IUnitOfWork _trail;
    private readonly MandateOptions _options;

    public RequestApproval(IUnitOfWork trail, MandateOptions options)
    {
        _trail = trail;
        _options = options;
    }

    public async ValueTask ExecuteAsync(ExchangeContext context, CancellationToken cancellationToken)
    {
        if (context.Kind != ExchangeKind.ToolCredential || context.Decision is not { RequiresApproval: true } decision)
        {
            return;
        }

        if (!ApprovalIssuable(context.Tool!.Kind))
        {
            // The approval poll hands out a Mandate access token; a tool that takes another kind would get the wrong credential.
            context.Reject(OAuthError.InvalidTarget(
                $"rule '{decision.RuleId}' requires human approval, but tool '{context.Tool.Name}' takes credentials of kind {context.Tool.Kind}, which cannot be issued through an approval yet; " +
                "an operator must drop require_approval for this tool or allow the request without it"));
            return;
        }

        // The same lifetime rule as a credential issued at once: requested_lifetime, the run and its run token bound it.
        var (lifetime, lifetimeError) = Lifetimes.ForCredential(context, _options, decision.MaxLifetime);
        if (lifetimeError is not null)
        {
            context.Reject(lifetimeError);
            return;
        }

        var approval = Create(context, lifetime);
        var decided = ExchangeAuditEvents.Decision(context, context.Decisions[0], _options.Node) with { Outcome = "pending", Scope = approval.Scope };
        try
        {
            await _trail.CommitAsync(new StoreBatch(decided, ApprovalAuditEvents.Requested(approval, _options.Node), approval), cancellationToken);
        }
        catch (StoreUnavailableException)
        {
            context.Reject(OAuthError.TemporarilyUnavailable($"the approval for decision {context.DecisionId} could not be recorded; retry shortly"));
            return;
        }

        var expiresIn = (int)(approval.ExpiresAt - approval.CreatedAt).TotalSeconds;
        context.Reject(new OAuthError(OAuthConstants.Errors.AuthorizationPending, approval.BindingMessage + $" - waiting for a human to approve (rule '{decision.RuleId}')")
        {
            Extra = new Dictionary<string, object>
            {
                [OAuthConstants.Parameters.AuthReqId] = approval.Id,
                ["expires_in"] = expiresIn,
                ["interval"] = PollInterval,
            },
        });
    }

    /// <summary>Kinds whose approved credential is the Mandate access token the poll mints (a <c>secret</c> tool's credential is one, used at the proxy).</summary>
    public static bool ApprovalIssuable(CredentialKind kind) => kind is CredentialKind.Jwt or CredentialKind.Secret;

    private static Approval Create(ExchangeContext context, TimeSpan lifetime)
    {
        var decision = context.Decision!;
        var scope = string.Join(' ', decision.GrantedScopes);
        var details = ApprovalBinding.CanonicalJson(context.AuthorizationDetails);
        var agent = context.Actor!.SpiffeId;
        var user = context.User?.Subject;
        return new Approval
        {
            Id = Ids.New("areq"),
            Status = ApprovalStatus.Pending,
            Agent = agent,
            Run = context.Run,
            Tool = context.Tool!.Name,
            Tenant = context.Tenant!,
            User = user,
            Scope = scope,
            AuthorizationDetails = details,
            BindingHash = ApprovalBinding.Hash(agent, context.Run, context.Tool.Name, scope, context.Tenant!, user, details),
            BindingMessage = ApprovalBinding.Message(agent, context.Tool.Name, scope, context.Tenant!, user, context.AuthorizationDetails),
            Rule = decision.RuleId!,
            PolicyVersion = decision.PolicyVersion,
            DecisionId = context.DecisionId,
            LifetimeSeconds = (int)lifetime.TotalSeconds,
            CreatedAt = context.Now,
            ExpiresAt = context.Now + (decision.ApprovalExpiresIn ?? TimeSpan.FromMinutes(10)),
        };
    }
}
