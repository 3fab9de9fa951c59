using Mandate.Core.Configuration;
using Mandate.Core.Protocol;
using P = Mandate.Core.Protocol.OAuthConstants.Parameters;

namespace Mandate.Core.Exchange.Steps;

/// <summary>Finds the tool named by resource/audience and requires the agent to have declared it (R12).</summary>
public sealed class ResolveTool : IExchangeStep
{
    private readonly Registry _registry;

    public ResolveTool(Registry registry) => _registry = registry;

    public ValueTask ExecuteAsync(ExchangeContext context, CancellationToken cancellationToken)
    {
        if (context.Kind != ExchangeKind.ToolCredential)
        {
            return ValueTask.CompletedTask;
        }

        var target = context.Request[P.Resource] ?? context.Request[P.Audience]!;
        var tool = _registry.FindTool(target);
        if (tool is null)
        {
            // RFC 8693 §2.2.2: a target the server cannot issue for is invalid_target.
            context.Reject(OAuthError.InvalidTarget("no tool is registered with that resource or audience; see the tools section of the broker configuration"));
            return ValueTask.CompletedTask;
        }

        if (!context.Agent!.Tools.Contains(tool.Name, StringComparer.Ordinal))
        {
            context.Reject(OAuthError.InvalidTarget($"tool '{tool.Name}' is not in the declared tools of agent '{context.Agent.Id}'; declare it under agents[].tools if the agent should use it"));
            return ValueTask.CompletedTask;
        }

        if (context.SubjectRun is { } presented && !presented.Run.Envelope.Tools.Contains(tool.Name, StringComparer.Ordinal))
        {
            context.Reject(OAuthError.InvalidTarget($"tool '{tool.Name}' is outside the envelope of run '{presented.Run.Id}' (it may use {string.Join(", ", presented.Run.Envelope.Tools)}); start a run that includes it"));
            return ValueTask.CompletedTask;
        }

        context.Tool = tool;
        return ValueTask.CompletedTask;
    }
}
