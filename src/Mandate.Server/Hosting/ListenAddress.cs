using System.Net;
using Mandate.Core.Configuration;

namespace Mandate.Server.Hosting;

/// <summary>The TCP address the OAuth endpoints listen on, from an <c>http://host:port</c> or (with <c>tls:</c>) <c>https://host:port</c> URL.</summary>
/// <param name="Address">The IP address bound; <see cref="IPAddress.Any"/> for every interface.</param>
/// <param name="Port">The TCP port.</param>
/// <param name="Https">Whether the listener speaks TLS.</param>
public sealed record ListenAddress(IPAddress Address, int Port, bool Https)
{
    /// <summary>Where a client on this host reaches the listener: loopback when it listens on every interface.</summary>
    public Uri LocalUrl
    {
        get
        {
            var host = Address.Equals(IPAddress.Any) ? "127.0.0.1"
                : Address.Equals(IPAddress.IPv6Any) ? "[::1]"
                : Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{Address}]"
                : Address.ToString();
            return new Uri($"{(Https ? "https" : "http")}://{host}:{Port}/");
        }
    }

    /// <summary>Reads a <c>listen</c> URL; a <see cref="MandateConfigException"/> says what is wrong with it.</summary>
    public static ListenAddress Parse(string url, bool tlsConfigured = false)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new MandateConfigException($"listen '{url}' must be an http://address:port or https://address:port URL");
        }

        if (uri.Scheme == "https" && !tlsConfigured)
        {
            throw new MandateConfigException($"listen '{url}' is https but no tls: certificate is configured; add tls: {{ certificate_file, key_file }} (docs/sender-constraint.md)");
        }

        var address = uri.Host switch
        {
            "localhost" => IPAddress.Loopback,
            "*" or "+" or "0.0.0.0" => IPAddress.Any,
            _ when IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) => ip,
            _ => throw new MandateConfigException($"listen '{url}' must name an IP address, localhost or 0.0.0.0"),
        };
        return new ListenAddress(address, uri.Port, uri.Scheme == "https");
    }
}
