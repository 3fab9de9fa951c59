using Mandate.Core.Configuration;
using Mandate.Core.Policy;
using Mandate.Core.Storage;
using Mandate.Policy;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mandate.Server.Hosting;

/// <summary>Wraps the decision point in shadow mode when <c>shadow_policy</c> is configured (an invalid candidate refuses start-up).</summary>
internal static class ShadowPolicy
{
    public static IPolicyDecisionPoint Wrap(IPolicyDecisionPoint active, IServiceProvider services)
    {
        var options = services.GetRequiredService<MandateOptions>();
        if (options.ShadowPolicyPath is not { } path)
        {
            return active;
        }

        var time = services.GetRequiredService<TimeProvider>();
        var loggers = services.GetRequiredService<ILoggerFactory>();
        var candidate = PolicyProvider.Load(path, time, options.ToolCatalog(), loggers.CreateLogger<PolicyProvider>());
        candidate.LogLoaded();
        candidate.StartWatching();
        return new ShadowDecisionPoint(active, candidate, services.GetRequiredService<IUnitOfWork>(), time, options.Node, loggers.CreateLogger<ShadowDecisionPoint>());
    }
}
