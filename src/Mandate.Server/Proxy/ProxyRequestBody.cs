using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Mandate.Server.Proxy;

/// <summary>
/// The body the forwarder sends upstream, put in place of the agent's request body while the call is forwarded
/// (the forwarder reads it from the request; disposing puts the agent's back): the agent's stream, or the bytes the MCP gateway already read,
/// either way counted and held to <c>proxy.max_request_body</c> as it streams.
/// </summary>
internal sealed class ProxyRequestBody : IHttpRequestBodyDetectionFeature, IDisposable
{
    private readonly HttpContext _http;
    private readonly Stream _agentBody;
    private readonly IHttpRequestBodyDetectionFeature? _agentDetection;
    private readonly LimitedReadStream _sent;

    private ProxyRequestBody(HttpContext http, ProxyUpstreamCall upstream)
    {
        _http = http;
        _agentBody = http.Request.Body;
        _agentDetection = http.Features.Get<IHttpRequestBodyDetectionFeature>();
        var source = upstream.BufferedBody is { } buffered ? new MemoryStream(buffered, writable: false) : _agentBody;
        _sent = new LimitedReadStream(source, upstream.MaxRequestBody, ProxyLimitException.RequestBody);
    }

    /// <summary>Bytes read for the upstream so far.</summary>
    public long BytesSent => _sent.BytesRead;

    /// <summary>A buffered body is sent even when the agent's request announced none.</summary>
    public bool CanHaveBody => true;

    public static ProxyRequestBody Substitute(HttpContext http, ProxyUpstreamCall upstream)
    {
        var body = new ProxyRequestBody(http, upstream);
        http.Request.Body = body._sent;
        if (upstream.BufferedBody is not null)
        {
            http.Features.Set<IHttpRequestBodyDetectionFeature>(body);
        }

        return body;
    }

    public void Dispose()
    {
        _http.Request.Body = _agentBody;
        _http.Features.Set(_agentDetection);
        _sent.Dispose();
    }
}
