namespace Mandate.Server.Proxy;

/// <summary>Where a checked call goes and what is injected: the upstream URL, the header and its value, and the body limit.</summary>
internal sealed record ProxyUpstreamCall(Uri Uri, string InjectHeader, string InjectValue, long MaxRequestBody)
{
    /// <summary>Never print the injected value.</summary>
    public override string ToString() => $"{Uri.GetLeftPart(UriPartial.Path)} ({InjectHeader}: [redacted])";
}
