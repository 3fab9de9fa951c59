using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Mandate.Server.Proxy;

/// <summary>
/// While a call is forwarded, holds back the forwarder's connection abort (it aborts when a relay breaks after
/// the response started) and notes it instead: <see cref="EgressProxy"/> cuts the connection once the call's
/// audit record is durable, so the agent never sees the end of a call that is not on record. The proxy
/// listener speaks HTTP/1.1 only (cleartext), so the forwarder never resets an HTTP/2 stream or completes a
/// gRPC response early instead (a test keeps it so).
/// </summary>
internal sealed class ProxyCutOff : IHttpRequestLifetimeFeature, IDisposable
{
    private readonly HttpContext _http;
    private readonly IHttpRequestLifetimeFeature _connection;

    private ProxyCutOff(HttpContext http, IHttpRequestLifetimeFeature connection) => (_http, _connection) = (http, connection);

    /// <summary>The forwarder asked for the connection to be cut.</summary>
    public bool Requested { get; private set; }

    public CancellationToken RequestAborted
    {
        get => _connection.RequestAborted;
        set => _connection.RequestAborted = value;
    }

    /// <summary>Stands in for the request's lifetime feature until disposed.</summary>
    public static ProxyCutOff Defer(HttpContext http)
    {
        var cutOff = new ProxyCutOff(http, http.Features.GetRequiredFeature<IHttpRequestLifetimeFeature>());
        http.Features.Set<IHttpRequestLifetimeFeature>(cutOff);
        return cutOff;
    }

    public void Abort() => Requested = true;

    public void Dispose() => _http.Features.Set(_connection);
}
