using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Mandate.Server.Proxy;

/// <summary>
/// The agent's request as the forwarder sees it while one call is forwarded (it reads the request itself);
/// disposing puts everything back.
/// <list type="bullet">
/// <item>The body is the agent's stream or the bytes the MCP gateway already read, counted and held to
/// <c>proxy.max_request_body</c> as it streams.</item>
/// <item>No upgrade: the forwarder would turn an upgradable request into a GET and then tunnel raw bytes,
/// past the allow-list's method, the scrubber and the limits. Upgrade headers are hop-by-hop and dropped.</item>
/// <item>The forwarder's connection abort (when a relay breaks after the response started) is held back and
/// noted: <see cref="EgressProxy"/> cuts the connection once the call's audit record is durable, so the agent
/// never sees the end of a call that is not on record. The listener speaks HTTP/1.1 only (cleartext), so the
/// forwarder never resets an HTTP/2 stream or completes a gRPC response early instead (a test keeps it so).</item>
/// </list>
/// </summary>
internal sealed class ProxyForwardingScope : IHttpRequestLifetimeFeature, IHttpRequestBodyDetectionFeature, IDisposable
{
    private readonly HttpContext _http;
    private readonly Stream _agentBody;
    private readonly IHttpRequestLifetimeFeature _lifetime;
    private readonly IHttpRequestBodyDetectionFeature? _bodyDetection;
    private readonly IHttpUpgradeFeature? _upgrade;
    private readonly LimitedReadStream _sent;

    private ProxyForwardingScope(HttpContext http, ProxyUpstreamCall upstream)
    {
        _http = http;
        _agentBody = http.Request.Body;
        _lifetime = http.Features.GetRequiredFeature<IHttpRequestLifetimeFeature>();
        _bodyDetection = http.Features.Get<IHttpRequestBodyDetectionFeature>();
        _upgrade = http.Features.Get<IHttpUpgradeFeature>();
        var source = upstream.BufferedBody is { } buffered ? new MemoryStream(buffered, writable: false) : _agentBody;
        _sent = new LimitedReadStream(source, upstream.MaxRequestBody, ProxyLimitException.RequestBody);
    }

    /// <summary>Body bytes read for the upstream so far.</summary>
    public long BytesSent => _sent.BytesRead;

    /// <summary>The forwarder asked for the connection to be cut.</summary>
    public bool CutOffRequested { get; private set; }

    /// <summary>Asked only when a buffered body stands in: it is sent even if the agent's request announced none.</summary>
    public bool CanHaveBody => true;

    public CancellationToken RequestAborted
    {
        get => _lifetime.RequestAborted;
        set => _lifetime.RequestAborted = value;
    }

    public static ProxyForwardingScope Enter(HttpContext http, ProxyUpstreamCall upstream)
    {
        var scope = new ProxyForwardingScope(http, upstream);
        http.Request.Body = scope._sent;
        http.Features.Set<IHttpRequestLifetimeFeature>(scope);
        http.Features.Set<IHttpUpgradeFeature>(null);
        if (upstream.BufferedBody is not null)
        {
            http.Features.Set<IHttpRequestBodyDetectionFeature>(scope);
        }

        return scope;
    }

    public void Abort() => CutOffRequested = true;

    public void Dispose()
    {
        _http.Request.Body = _agentBody;
        _http.Features.Set(_lifetime);
        _http.Features.Set(_bodyDetection);
        _http.Features.Set(_upgrade);
        _sent.Dispose();
    }
}
