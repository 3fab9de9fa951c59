using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Forwarder;

namespace Mandate.Server.Proxy;

/// <summary>
/// Turns what the forwarder reports (<see cref="ForwarderError"/> and the exception of
/// <see cref="IForwarderErrorFeature"/>) into the proxy's refusal. The cause decides, not the stage: a body
/// over its limit (413 for the agent's, 502 for the upstream's), an unreadable agent body (400, or 413 from
/// the server's own cap), then proxy.timeout (504), then the agent gone (499), else the upstream failed (502).
/// </summary>
internal static class ProxyForwardingFailure
{
    public static ProxyRefusal Refusal(ForwarderError error, Exception? failure, bool timedOut, bool clientGone)
    {
        foreach (var cause in Causes(failure))
        {
            if (cause is ProxyLimitException limit)
            {
                return limit.Refusal;
            }

            if (cause is BadHttpRequestException bad)
            {
                return bad.StatusCode == StatusCodes.Status413PayloadTooLarge
                    ? ProxyRefusal.TooLarge("the request body is larger than proxy.max_request_body")
                    : ProxyRefusal.BadRequest(ProxyChecks.BodyMalformed, "the request body is malformed");
            }
        }

        if (timedOut)
        {
            return ProxyRefusal.GatewayTimeout("the upstream did not answer within proxy.timeout");
        }

        if (clientGone)
        {
            return new ProxyRefusal(499, "client closed request", "the agent closed the connection") { CheckId = ProxyChecks.ClientClosed };
        }

        // The exception text may name hosts and ports; it is not needed by the agent, and the audit gets the stage and type.
        return ProxyRefusal.BadGateway(ProxyChecks.UpstreamFailed, $"the upstream could not be reached or broke the connection ({error}, {failure?.GetType().Name ?? "no exception"})");
    }

    /// <summary>The failure and everything it wraps (the forwarder aggregates request and response failures).</summary>
    private static IEnumerable<Exception> Causes(Exception? failure)
    {
        if (failure is null)
        {
            yield break;
        }

        yield return failure;
        var inner = failure is AggregateException all ? all.InnerExceptions : (IEnumerable<Exception>)(failure.InnerException is { } one ? [one] : []);
        foreach (var cause in inner.SelectMany(Causes))
        {
            yield return cause;
        }
    }
}
