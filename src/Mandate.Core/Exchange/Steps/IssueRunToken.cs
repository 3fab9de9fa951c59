using Mandate.Core.Audit;
using Mandate.Core.Configuration;
using Mandate.Core.Protocol;
using Mandate.Core.Runs;
using Mandate.Core.Storage;

namespace Mandate.Core.Exchange.Steps;

/// <summary>
/// Records the run (started or delegated) or its renewal together with the decisions, and only then
/// hands back the run token. A child's run and token never outlive the parent's.
/// </summary>
public sealed class IssueRunToken : IExchangeStep
{
    private readonly RunTokenMinter _minter;
    private readonly IUnitOfWork _trail;
    private readonly MandateOptions _options;

    public IssueRunToken(RunTokenMinter minter, IUnitOfWork trail, MandateOptions options)
    {
        _minter = minter;
        _trail = trail;
        _options = options;
    }

    public async ValueTask ExecuteAsync(ExchangeContext context, CancellationToken cancellationToken)
    {
        if (context.Kind != ExchangeKind.RunToken)
        {
            return;
        }

        var run = context.RunMode == RunRequestMode.Renew ? context.SubjectRun!.Run : NewRun(context);
        var caps = new List<(TimeSpan Cap, string Name)>
        {
            (_options.Runs.TokenLifetime, "runs.token_lifetime"),
            (run.ExpiresAt - context.Now, $"the end of run '{run.Id}'"),
        };
        if (context.RunMode == RunRequestMode.Delegate)
        {
            caps.Add((context.SubjectRun!.ExpiresAt - context.Now, "the expiry of the parent's run token"));
        }

        var (lifetime, error) = Lifetimes.Choose(context, _options.Runs.TokenLifetime, caps);
        if (error is not null)
        {
            context.Reject(error);
            return;
        }

        var expires = context.Now + lifetime;
        var (token, jti, kid) = _minter.Mint(run, context.Now, expires, context.Request.Binding.Confirmation);
        var events = context.Decisions.Select(d => ExchangeAuditEvents.Decision(context, d, _options.Node)).ToList();
        events.Add(ExchangeAuditEvents.Run(context, run, jti, expires, kid, _options.Node));
        try
        {
            await _trail.CommitAsync(context.RunMode == RunRequestMode.Renew ? new StoreBatch(events) : new StoreBatch([run, .. events]), cancellationToken);
        }
        catch (StoreUnavailableException)
        {
            context.Reject(OAuthError.TemporarilyUnavailable($"the store could not record run '{run.Id}', so no run token was issued; retry shortly"));
            return;
        }

        // RFC 8693 §2.2.1: token_type N_A when the issued token is not an access token.
        context.Response = new TokenExchangeResponse(token, OAuthConstants.TokenTypes.TxnToken, "N_A", (int)lifetime.TotalSeconds, run.Envelope.Scope);
    }

    private RunRecord NewRun(ExchangeContext context)
    {
        var parent = context.SubjectRun?.Run;
        var maxEnd = context.Now + _options.Runs.MaxDuration;
        return new RunRecord
        {
            Id = context.Run,
            ParentId = parent?.Id,
            Lineage = parent is null ? context.Run : $"{parent.Lineage}/{context.Run}",
            Depth = context.DelegationDepth,
            MaxDepth = parent?.MaxDepth ?? context.Agent!.MaxDelegationDepth,
            Agent = context.Actor!.SpiffeId,
            Tenant = context.Tenant!,
            User = context.User?.Subject,
            UserIssuer = context.User?.Issuer,
            Actors = context.Actors,
            Envelope = context.Envelope!,
            StartedAt = context.Now,
            ExpiresAt = parent is not null && parent.ExpiresAt < maxEnd ? parent.ExpiresAt : maxEnd,
            DecisionId = context.DecisionId,
            PolicyVersion = context.Decisions[0].Decision.PolicyVersion,
            Node = _options.Node,
        };
    }
}
