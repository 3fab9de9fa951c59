using System.Net;
using Mandate.Core.Configuration;
using Mandate.Server.Hosting;
using Microsoft.Extensions.Logging;

namespace Mandate.Server.Proxy;

/// <summary>
/// Without <c>proxy.public_origin</c> a DPoP proof's <c>htu</c> is checked against the request's own scheme and
/// <c>Host</c>, which the client chooses. That fits a proxy agents call on loopback; one reachable from other machines
/// should name its public origin, so the broker says so at start.
/// </summary>
internal static partial class ProxyOriginCheck
{
    /// <summary>The warning for a proxy listening at <paramref name="listenUrl"/>, or null when there is none to give.</summary>
    public static string? Warning(ProxyOptions options, string? listenUrl)
    {
        if (options.PublicOrigin is not null || listenUrl is null || IPAddress.IsLoopback(ListenAddress.Parse(listenUrl).Address))
        {
            return null;
        }

        return $"proxy.listen {listenUrl} is reachable beyond loopback but proxy.public_origin is not set, so DPoP proofs are checked against the Host each request names; set proxy.public_origin to the origin agents call (e.g. https://proxy.acme.example)";
    }

    public static void Log(ILoggerFactory loggers, ProxyOptions options, string? listenUrl)
    {
        if (Warning(options, listenUrl) is { } warning)
        {
            LogWarning(loggers.CreateLogger<EgressProxy>(), warning);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Warning}")]
    private static partial void LogWarning(ILogger logger, string warning);
}
