namespace Mandate.Server.Proxy;

/// <summary>A body crossed the proxy's size limit while streaming; the call is refused, or cut off if the answer had started.</summary>
internal sealed class ProxyLimitException(ProxyRefusal refusal) : IOException(refusal.Detail)
{
    /// <summary>413 for the agent's request body, 502 for the upstream's response body.</summary>
    public ProxyRefusal Refusal { get; } = refusal;

    public static ProxyLimitException RequestBody(long limit) =>
        new(ProxyRefusal.TooLarge($"the request body is larger than proxy.max_request_body ({limit} bytes); nothing more was forwarded"));

    public static ProxyLimitException ResponseBody(long limit) =>
        new(ProxyRefusal.BadGateway(ProxyChecks.ResponseTooLarge, $"the upstream response body is larger than proxy.max_response_body ({limit} bytes)"));
}
