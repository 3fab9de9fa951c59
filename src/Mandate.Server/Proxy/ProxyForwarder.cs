using System.Net;
using Mandate.Core.Configuration;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Forwarder;

namespace Mandate.Server.Proxy;

/// <summary>
/// Sends one checked call upstream with YARP's <see cref="IHttpForwarder"/> and relays the answer, both bodies
/// streamed (<see cref="ProxyTransformer"/> decides what crosses). One shared <see cref="SocketsHttpHandler"/>
/// pools connections (recycled every few minutes so DNS changes are seen); no redirects, cookies, decompression
/// or ambient proxy. Returns a refusal when nothing was relayed; a relay that broke after the response started
/// is recorded on the call and cut off once audited.
/// </summary>
internal sealed class ProxyForwarder : IDisposable
{
    // HTTP/1.1 upstream, as the tools expect. No idle timeout of YARP's (it runs on the wall clock):
    // proxy.timeout, on the broker's clock, bounds the whole call including the body.
    private static readonly ForwarderRequestConfig RequestConfig = new()
    {
        Version = HttpVersion.Version11,
        VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
        ActivityTimeout = Timeout.InfiniteTimeSpan,
        AllowResponseBuffering = false,
    };

    private readonly IHttpForwarder _forwarder;
    private readonly HttpMessageInvoker _upstream;
    private readonly ProxyOptions _options;
    private readonly TimeProvider _time;

    public ProxyForwarder(IHttpForwarder forwarder, MandateOptions options, TimeProvider time)
    {
        _forwarder = forwarder;
        _options = options.Proxy;
        _time = time;
        _upstream = new HttpMessageInvoker(
            new SocketsHttpHandler
            {
                PooledConnectionLifetime = TimeSpan.FromMinutes(2),
                PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60),
                ConnectTimeout = _options.ConnectTimeout,
                AllowAutoRedirect = false,
                UseCookies = false,
                UseProxy = false,
                AutomaticDecompression = DecompressionMethods.None,
                MaxResponseHeadersLength = 64,
                // W3C trace context goes upstream from the proxy's span (the agent's own traceparent header is replaced
                // by its child); with telemetry off there is no span and the header crosses as the agent sent it.
                ActivityHeadersPropagator = new ReverseProxyPropagator(System.Diagnostics.DistributedContextPropagator.Current),
            },
            disposeHandler: true);
    }

    public async Task<ProxyRefusal?> ForwardAsync(HttpContext http, ProxyCall call, ProxyUpstreamCall upstream, SecretScrubber scrubber)
    {
        using var timeout = new CancellationTokenSource(_options.Timeout, _time);
        var transformer = new ProxyTransformer(call, upstream, scrubber, _options.MaxResponseBody);
        using var scope = ProxyForwardingScope.Enter(http, upstream);
        var error = await _forwarder.SendAsync(http, upstream.Uri.GetLeftPart(UriPartial.Authority), _upstream, RequestConfig, transformer, timeout.Token);
        call.RequestBytes = scope.BytesSent;
        call.ResponseBytes = transformer.Relay?.BytesRead ?? 0;
        if (transformer.Refusal is not null || error == ForwarderError.None)
        {
            return transformer.Refusal;
        }

        var failure = http.Features.Get<IForwarderErrorFeature>()?.Exception;
        var refusal = ProxyForwardingFailure.Refusal(error, failure, timeout.IsCancellationRequested, http.RequestAborted.IsCancellationRequested);
        if (transformer.Relay?.Completed == true && error == ForwarderError.RequestBodyDestination)
        {
            // The upstream answered in full, then stopped taking the agent's body (say, an early 401): the answer stands.
            return null;
        }

        if (!http.Response.HasStarted && !scope.CutOffRequested)
        {
            return refusal;
        }

        // Headers are already on their way: the only honest signal left is to cut the connection (after the audit).
        call.CutOff = true;
        call.Refusal = refusal;
        return null;
    }

    public void Dispose() => _upstream.Dispose();
}
