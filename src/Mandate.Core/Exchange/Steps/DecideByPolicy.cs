using Mandate.Core.Audit;
using Mandate.Core.Configuration;
using Mandate.Core.Policy;
using Mandate.Core.Protocol;
using Mandate.Core.Storage;
using Microsoft.Extensions.Logging;

namespace Mandate.Core.Exchange.Steps;

/// <summary>
/// Asks the policy. A refusal is recorded (R6: why a request was refused) and returned with the rule
/// and the remedy; scope refusals are invalid_scope, every other refusal invalid_target (RFC 8693 §2.2.2).
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
        var decision = _policy.Evaluate(context.WithPolicyState(new PolicyInput
        {
            Agent = context.Actor!.SpiffeId,
            Tool = context.Tool!.Name,
            Scopes = context.Scopes,
            Tenant = context.Tenant!,
            Subject = context.Subject,
            UserTenant = context.User?.Tenant,
            User = context.User?.Subject,
            Environment = _options.Environment,
        }));
        context.Decision = decision;
        if (decision.IsAllowed || decision.RequiresApproval)
        {
            return;
        }

        try
        {
            await _trail.WriteAsync(new StoreBatch { AuditEvents = [ExchangeAuditEvents.Decision(context, _options.Node)] }, cancellationToken);
        }
        catch (StoreUnavailableException e)
        {
            // The refusal stands either way; losing its record is worth an operator's attention.
            LogDenyNotRecorded(_logger, context.DecisionId, e.Message);
        }

        var rule = decision.RuleId is null ? "no policy rule allows this request" : $"policy rule '{decision.RuleId}' denied";
        var description = $"{rule}: {Sentence(decision.Reason)}" + (decision.Remedy is null ? "" : $" To fix: {Sentence(decision.Remedy)}") + $" (decision {context.DecisionId}, policy {decision.PolicyVersion})";
        context.Reject(decision.ScopeDenied ? OAuthError.InvalidScope(description) : OAuthError.InvalidTarget(description));
    }

    private static string Sentence(string text) => text.EndsWith('.') ? text : text + ".";

    [LoggerMessage(Level = LogLevel.Error, Message = "Denied decision {DecisionId} could not be recorded: {Error}")]
    private static partial void LogDenyNotRecorded(ILogger logger, string decisionId, string error);
}
