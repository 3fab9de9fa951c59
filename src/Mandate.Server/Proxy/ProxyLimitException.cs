namespace Mandate.Server.Proxy;

/// <summary>A body crossed the proxy's size limit while streaming; the call is cut off.</summary>
internal sealed class ProxyLimitException(string message) : IOException(message);
