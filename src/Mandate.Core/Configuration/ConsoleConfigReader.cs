using System.Net;
using YamlDotNet.RepresentationModel;

namespace Mandate.Core.Configuration;

/// <summary>Reads <c>console:</c> (the web console) from mandate.yaml.</summary>
internal static class ConsoleConfigReader
{
    public static ConsoleOptions Read(YamlMapping m, YamlMapping root, string baseDir)
    {
        var defaults = new ConsoleOptions();
        var listen = m.String("listen");
        if (listen is not null)
        {
            CheckListen(m, root, listen);
        }

        var publicUrl = m.String("public_url");
        Uri? publicUri = null;
        if (publicUrl is not null && (!Uri.TryCreate(publicUrl, UriKind.Absolute, out publicUri) || publicUri.Scheme is not ("http" or "https")))
        {
            m.Problem("public_url", $"'{publicUrl}' must be an absolute http(s) URL, e.g. https://mandate-console.example.com");
            publicUri = null;
        }

        var hasOidc = ((YamlMappingNode)m.Node).Children.ContainsKey(new YamlScalarNode("oidc"));
        var (idle, max) = ReadSessionLimits(m, defaults);
        return new ConsoleOptions
        {
            Listen = listen,
            PublicUrl = publicUri,
            Oidc = hasOidc ? m.Map("oidc", o => ReadOidc(o, baseDir)) : null,
            Approvers = m.Map("approvers", a => new ConsoleApproverLimits
            {
                Tenants = a.StringList("tenants") ?? [],
                Tools = a.StringList("tools") ?? [],
                AllowSelf = a.Bool("allow_self") ?? false,
            }),
            IdleTimeout = idle,
            SessionMax = max,
        };
    }

    private static (TimeSpan Idle, TimeSpan Max) ReadSessionLimits(YamlMapping m, ConsoleOptions defaults)
    {
        var idle = m.Duration("idle_timeout") ?? defaults.IdleTimeout;
        var max = m.Duration("session_max", TimeSpan.FromDays(30)) ?? defaults.SessionMax;
        if (max < idle)
        {
            m.Problem("session_max", $"must be at least idle_timeout ({Duration.Format(idle)}), e.g. 8h");
        }

        return (idle, max);
    }

    private static void CheckListen(YamlMapping m, YamlMapping root, string listen)
    {
        if (!Uri.TryCreate(listen, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.AbsolutePath != "/")
        {
            m.Problem("listen", $"'{listen}' must be an http://address:port URL, e.g. http://127.0.0.1:8470");
            return;
        }

        var hasTls = ((YamlMappingNode)root.Node).Children.ContainsKey(new YamlScalarNode("tls"));
        if (uri.Scheme == "https" && !hasTls)
        {
            m.Problem("listen", $"'{listen}' is https but no tls: certificate is configured; add tls: {{ certificate_file, key_file }}");
        }
        else if (uri.Scheme == "http" && !IsLoopback(uri.Host))
        {
            m.Problem("listen", $"'{listen}' is reachable beyond this machine over plain http; listen on 127.0.0.1, or use https:// with the tls: certificate");
        }
    }

    private static bool IsLoopback(string host) =>
        host == "localhost" || (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));

    private static ConsoleOidcOptions? ReadOidc(YamlMapping o, string baseDir)
    {
        var issuerText = o.String("issuer", required: true);
        var clientId = o.String("client_id", required: true);
        var secret = ConfiguredSecret.ReadFrom(o, "client_secret", baseDir, required: false);

        Uri? issuer = null;
        if (issuerText is not null)
        {
            if (!Uri.TryCreate(issuerText, UriKind.Absolute, out issuer) || issuer.Scheme is not ("http" or "https"))
            {
                o.Problem("issuer", $"'{issuerText}' must be the provider's absolute issuer URL");
                issuer = null;
            }
            else if (issuer.Scheme == "http" && !issuer.IsLoopback)
            {
                o.Problem("issuer", $"'{issuerText}' must be https (plain http only for a provider on this machine)");
                issuer = null;
            }
        }

        var scopes = o.StringList("scopes");
        if (scopes is not null && !scopes.Contains("openid", StringComparer.Ordinal))
        {
            o.Problem("scopes", "scopes must include openid");
        }

        var roles = o.Map("roles", r => (Viewer: r.StringList("viewer") ?? [], Approver: r.StringList("approver") ?? [], Admin: r.StringList("admin") ?? []));
        if (roles.Viewer.Count + roles.Approver.Count + roles.Admin.Count == 0)
        {
            o.Problem("roles", "map at least one claim value to a role, e.g. roles: { viewer: [mandate-viewers], approver: [...], admin: [...] }; nobody could sign in");
        }

        return issuer is null || clientId is null
            ? null
            : new ConsoleOidcOptions
            {
                Issuer = issuer,
                ClientId = clientId,
                ClientSecret = secret,
                Scopes = scopes ?? ["openid", "profile"],
                RoleClaim = o.String("role_claim") ?? "roles",
                Viewers = roles.Viewer,
                Approvers = roles.Approver,
                Admins = roles.Admin,
            };
    }
}
