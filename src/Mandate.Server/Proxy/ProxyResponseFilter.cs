namespace Mandate.Server.Proxy;

/// <summary>
/// Rewrites an upstream response body before it is relayed (still scrubbed and size-limited after): given the
/// upstream Content-Type and body, returns the stream to relay. A filtered response is relayed without Content-Length.
/// </summary>
internal delegate Task<Stream> ProxyResponseFilter(string? contentType, Stream upstreamBody, CancellationToken cancellationToken);
