namespace Mandate.Core.Configuration;

/// <summary>Reads <c>proxy:</c> (the egress injection proxy) from mandate.yaml.</summary>
internal static class ProxyConfigReader
{
    public static ProxyOptions Read(YamlMapping m)
    {
        var defaults = new ProxyOptions();
        var listen = m.String("listen");
        if (listen is not null && (!Uri.TryCreate(listen, UriKind.Absolute, out var uri) || uri.Scheme != "http" || uri.AbsolutePath != "/"))
        {
            m.Problem("listen", $"'{listen}' must be an http://address:port URL, e.g. http://127.0.0.1:8081");
        }

        var timeout = m.Duration("timeout", TimeSpan.FromHours(24));
        var publicOrigin = Origin(m, "public_origin");
        var connect = m.Duration("connect_timeout", TimeSpan.FromMinutes(5));
        return new ProxyOptions
        {
            Listen = listen,
            MaxRequestBody = Size(m, "max_request_body") ?? defaults.MaxRequestBody,
            MaxResponseBody = Size(m, "max_response_body"),
            Timeout = timeout ?? defaults.Timeout,
            ConnectTimeout = connect ?? defaults.ConnectTimeout,
            PublicOrigin = publicOrigin,
        };
    }

    // RFC 9449 §4.3: htu is compared with this origin plus the request's path, so it may carry nothing else.
    private static Uri? Origin(YamlMapping m, string key)
    {
        var text = m.String(key);
        if (text is null)
        {
            return null;
        }

        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.UserInfo.Length == 0
            && uri.AbsolutePath == "/" && uri.Query.Length == 0 && uri.Fragment.Length == 0 && !text.EndsWith('?') && !text.EndsWith('#'))
        {
            return new Uri(uri.GetLeftPart(UriPartial.Authority), UriKind.Absolute);
        }

        m.Problem(key, $"'{text}' must be the http(s) origin agents call the proxy at, without path, query or user info, e.g. https://proxy.acme.example");
        return null;
    }

    private static long? Size(YamlMapping m, string key)
    {
        var text = m.String(key);
        if (text is null)
        {
            return null;
        }

        if (ByteSize.TryParse(text, out var bytes))
        {
            return bytes;
        }

        m.Problem(key, $"'{text}' is not a size; write bytes or a number with KiB, MiB or GiB, e.g. 1MiB");
        return null;
    }
}
