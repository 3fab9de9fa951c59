namespace Mandate.Core.Configuration;

/// <summary>
/// Reads a tool's egress-proxy keys: <c>upstream</c> (the real base URL the proxy forwards to) and, for
/// <c>kind: secret</c>, <c>secret: { header, format }</c> (where the vaulted secret is injected).
/// </summary>
internal static class ToolProxyConfigReader
{
    public static (string? Upstream, SecretInjectionOptions? Secret) Read(YamlMapping m, CredentialKind kind)
    {
        var upstream = m.String("upstream");
        var badUpstream = false;
        if (upstream is not null && (!Uri.TryCreate(upstream, UriKind.Absolute, out var uri) || (uri.Scheme != "https" && uri.Scheme != "http")
            || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment) || !string.IsNullOrEmpty(uri.UserInfo)))
        {
            m.Problem("upstream", $"'{upstream}' must be an absolute http(s) URL without query, fragment or user info, e.g. https://api.vendor.example");
            upstream = null;
            badUpstream = true;
        }

        var secret = m.Map("secret", ReadSecret);
        var hasSecretKey = m.Node is YamlDotNet.RepresentationModel.YamlMappingNode map && map.Children.ContainsKey(new YamlDotNet.RepresentationModel.YamlScalarNode("secret"));
        if (kind == CredentialKind.Secret && upstream is null && !badUpstream)
        {
            m.Problem("upstream", "a kind: secret tool is reached only through the egress proxy; set upstream: https://api.vendor.example");
        }

        if (kind != CredentialKind.Secret && hasSecretKey)
        {
            m.Problem("secret", "secret: applies only to kind: secret tools; remove it or set kind: secret");
        }

        return (upstream, kind == CredentialKind.Secret ? secret : null);
    }

    private static SecretInjectionOptions ReadSecret(YamlMapping m)
    {
        var defaults = new SecretInjectionOptions();
        var header = m.String("header") ?? defaults.Header;
        var format = m.String("format") ?? defaults.Format;
        if (!IsToken(header))
        {
            m.Problem("header", $"'{header}' is not an HTTP header name");
        }

        if (!format.Contains(SecretInjectionOptions.Placeholder, StringComparison.Ordinal))
        {
            m.Problem("format", $"must contain {SecretInjectionOptions.Placeholder} where the secret goes, e.g. \"Bearer {SecretInjectionOptions.Placeholder}\"");
        }

        if (format.Any(c => c is '\r' or '\n' or '\0'))
        {
            m.Problem("format", "must be a single line");
        }

        return new SecretInjectionOptions { Header = header, Format = format };
    }

    // RFC 9110 §5.6.2 token characters.
    private static bool IsToken(string s) => s.Length > 0 && s.All(c => c < 127 && (char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c)));
}
