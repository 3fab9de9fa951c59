using Mandate.Core.Audit;
using Mandate.Core.Configuration;
using Mandate.Core.Protocol;
using Mandate.Core.Storage;
using Mandate.Policy;
using Microsoft.Extensions.Logging;

namespace Mandate.Core.Exchange.Steps;

/// <summary>
/// Asks the policy about every tool the request touches: the one tool of a credential, or each tool of a
/// run's envelope. Any refusal refuses the request, is recorded (R6: why a request was refused) and is
/// returned with the rule and the remedy; scope refusals are invalid_scope, every other refusal
/// invalid_target (RFC 8693 §2.2.2).
/// </summary>
public sealed partial class DecideByPolicy : IExchangeStep
{
    private readonly IPolicyDecisionPoint _policy;
    private readonly IAuditTrail _trail;
    private readonly MandateOptions _options;
    private readonly ILogger<DecideByPolicy> _logger;

    public DecideByPolicy(IPolicyDecisionPoint policy, IAuditTrail trail, MandateOptions options, ILogger<DecideByPolicy> logger)
    {
        _policy = policy;
        _trail = trail;
        _options = options;
        _logger = logger;
    }

    public async ValueTask ExecuteAsync(ExchangeContext context, CancellationToken cancellationToken)
    {
        var asks = context.Kind == ExchangeKind.ToolCredential
            ? [(context.Tool!.Name, context.Scopes)]
            : context.Envelope!.Tools.Select(t => (t, (IReadOnlyList<string>)context.Envelope.ScopesOf(t).ToList())).ToList();
        foreach (var (tool, scopes) in asks)
        {
            var decision = _policy.Evaluate(context.WithPolicyState(new PolicyInput
            {
                Agent = context.Actor!.SpiffeId,
                Tool = tool,
                Scopes = scopes,
                Tenant = context.Tenant!,
                Subject = context.Subject,
                UserTenant = context.User?.Tenant,
                User = context.User?.Subject,
                DelegationDepth = context.DelegationDepth,
                Environment = _options.Environment,
                SenderConstraint = context.Kind == ExchangeKind.ToolCredential ? context.Request.Binding.Kind : null,
            }));
            context.Decisions.Add(new ToolDecision(tool, scopes, decision));

            // require_approval is answered by RequestApproval, for single tool credentials only.
            if (!decision.IsAllowed && !(decision.RequiresApproval && context.Kind == ExchangeKind.ToolCredential))
            {
                await RecordRefusalAsync(context, cancellationToken);
                context.Reject(Describe(decision, context.DecisionId));
                return;
            }
        }
    }

    private async Task RecordRefusalAsync(ExchangeContext context, CancellationToken cancellationToken)
    {
        try
        {
            await _trail.WriteAsync(new StoreBatch { AuditEvents = [ExchangeAuditEvents.Decision(context, context.Decisions[^1], _options.Node)] }, cancellationToken);
        }
        catch (StoreUnavailableException e)
        {
            // The refusal stands either way; the outage itself is logged once, at error level, by the store's health log.
            LogDenyNotRecorded(_logger, context.DecisionId, e.Message);
        }
    }

    private static OAuthError Describe(Decision decision, string decisionId)
    {
        var rule = decision.RuleId is null ? "no policy rule allows this request" : $"policy rule '{decision.RuleId}' denied";
        var description = $"{rule}: {Sentence(decision.Reason)}" + (decision.Remedy is null ? "" : $" To fix: {Sentence(decision.Remedy)}")
            + $" (decision {decisionId}, policy {decision.PolicyVersion})";
        return decision.ScopeDenied ? OAuthError.InvalidScope(description) : OAuthError.InvalidTarget(description);
    }

    private static string Sentence(string text) => text.EndsWith('.') ? text : text + ".";

    [LoggerMessage(Level = LogLevel.Debug, Message = "Denied decision {DecisionId} could not be recorded: {Error}")]
    private static partial void LogDenyNotRecorded(ILogger logger, string decisionId, string error);
}
