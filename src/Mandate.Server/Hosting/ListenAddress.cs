using System.Net;
using Mandate.Core.Configuration;

namespace Mandate.Server.Hosting;

/// <summary>The TCP address the OAuth endpoints listen on, from an <c>http://host:port</c> URL.</summary>
internal sealed record ListenAddress(IPAddress Address, int Port)
{
    public static ListenAddress Parse(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != "http")
        {
            throw new MandateConfigException($"listen '{url}' must be an http://address:port URL (terminate TLS at a proxy, or use mTLS once configured)");
        }

        var address = uri.Host switch
        {
            "localhost" => IPAddress.Loopback,
            "*" or "+" or "0.0.0.0" => IPAddress.Any,
            _ when IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) => ip,
            _ => throw new MandateConfigException($"listen '{url}' must name an IP address, localhost or 0.0.0.0"),
        };
        return new ListenAddress(address, uri.Port);
    }
}
