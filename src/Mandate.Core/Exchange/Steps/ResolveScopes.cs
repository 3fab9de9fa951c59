using Mandate.Core.Protocol;
using P = Mandate.Core.Protocol.OAuthConstants.Parameters;

namespace Mandate.Core.Exchange.Steps;

/// <summary>Requires every requested scope to be an operation the tool defines.</summary>
public sealed class ResolveScopes : IExchangeStep
{
    public ValueTask ExecuteAsync(ExchangeContext context, CancellationToken cancellationToken)
    {
        var requested = context.Request[P.Scope]!.Split(' ').Distinct(StringComparer.Ordinal).ToList();
        var unknown = requested.Where(s => !context.Tool!.Scopes.Contains(s, StringComparer.Ordinal)).ToList();
        if (unknown.Count > 0)
        {
            context.Reject(OAuthError.InvalidScope($"tool '{context.Tool!.Name}' does not define scope(s) {string.Join(", ", unknown.Select(s => $"'{s}'"))}; it defines {string.Join(", ", context.Tool.Scopes)}"));
            return ValueTask.CompletedTask;
        }

        context.Scopes = requested;
        return ValueTask.CompletedTask;
    }
}
