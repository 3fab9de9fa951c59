using Mandate.Core.Protocol;
using P = Mandate.Core.Protocol.OAuthConstants.Parameters;

namespace Mandate.Core.Exchange.Steps;

/// <summary>Requires every requested scope to be an operation the tool defines and, inside a run, within the run's envelope.</summary>
public sealed class ResolveScopes : IExchangeStep
{
    public ValueTask ExecuteAsync(ExchangeContext context, CancellationToken cancellationToken)
    {
        if (context.Kind != ExchangeKind.ToolCredential)
        {
            return ValueTask.CompletedTask;
        }

        var requested = context.Request[P.Scope]!.Split(' ').Distinct(StringComparer.Ordinal).ToList();
        var unknown = requested.Where(s => !context.Tool!.Scopes.Contains(s, StringComparer.Ordinal)).ToList();
        if (unknown.Count > 0)
        {
            context.Reject(OAuthError.InvalidScope($"tool '{context.Tool!.Name}' does not define scope(s) {string.Join(", ", unknown.Select(s => $"'{s}'"))}; it defines {string.Join(", ", context.Tool.Scopes)}"));
            return ValueTask.CompletedTask;
        }

        if (context.SubjectRun is { } presented && !presented.Run.Envelope.Allows(context.Tool!.Name, requested))
        {
            // Attenuation: nothing issued inside a run exceeds what the run was granted.
            var envelope = presented.Run.Envelope.ScopesOf(context.Tool!.Name);
            context.Reject(OAuthError.InvalidScope($"scope(s) {string.Join(", ", requested.Where(s => !envelope.Contains(s)).Select(s => $"'{s}'"))} exceed the envelope of run '{presented.Run.Id}' for tool '{context.Tool.Name}' ({string.Join(", ", envelope)})"));
            return ValueTask.CompletedTask;
        }

        context.Scopes = requested;
        return ValueTask.CompletedTask;
    }
}
