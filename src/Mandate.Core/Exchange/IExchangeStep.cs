namespace Mandate.Core.Exchange;

/// <summary>One small step of the token exchange: continue, reject with an OAuth error, or complete.</summary>
public interface IExchangeStep
{
    ValueTask ExecuteAsync(ExchangeContext context, CancellationToken cancellationToken);
}
