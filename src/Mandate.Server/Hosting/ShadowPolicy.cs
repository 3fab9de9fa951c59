using Mandate.Core.Audit;
using Mandate.Core.Policy;
using Mandate.Policy;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mandate.Server.Hosting;

/// <summary>Wraps the decision point in shadow mode when <c>shadow_policy</c> is configured (an invalid candidate refuses start-up).</summary>
internal static class ShadowPolicy
{
    public static IPolicyDecisionPoint Wrap(IPolicyDecisionPoint active, MandateRuntime runtime, IServiceProvider services)
    {
        if (runtime.Options.ShadowPolicyPath is not { } path)
        {
            return active;
        }

        var loggers = services.GetRequiredService<ILoggerFactory>();
        var candidate = PolicyProvider.Load(path, runtime.Time, runtime.Options.ToolNames(), loggers.CreateLogger<PolicyProvider>());
        candidate.StartWatching();
        return new ShadowDecisionPoint(active, candidate, services.GetRequiredService<IAuditTrail>(), runtime.Time, runtime.Options.Node, loggers.CreateLogger<ShadowDecisionPoint>());
    }
}
