using Mandate.Core.Protocol;
using YamlDotNet.RepresentationModel;

namespace Mandate.Core.Configuration;

/// <summary>
/// Reads a tool's <c>mcp:</c> section (<c>upstream_resource</c>, <c>tool_scopes</c>) and checks it against the rest of
/// the tool: an MCP tool is reached through the gateway, so it needs <c>upstream</c> and kind jwt or secret.
/// </summary>
internal static class ToolMcpConfigReader
{
    private const string Key = "mcp";

    public static ToolMcpOptions? Read(YamlMapping m, CredentialKind kind, string resource, IReadOnlyList<string> scopes, string? upstream)
    {
        if (m.Node is not YamlMappingNode map || !map.Children.ContainsKey(new YamlScalarNode(Key)))
        {
            m.Skip(Key);
            return null;
        }

        var options = m.Map(Key, section => ReadSection(section, kind, resource, scopes));
        if (kind is not (CredentialKind.Jwt or CredentialKind.Secret))
        {
            m.Problem(Key, $"an MCP server behind the gateway is kind jwt (a fresh Mandate credential is injected) or secret (a vaulted key is injected), not {kind.ToString().ToLowerInvariant()}");
        }

        if (upstream is null)
        {
            m.Problem("upstream", "a tool with mcp: is reached through the MCP gateway; set upstream: to the MCP server's endpoint, e.g. http://127.0.0.1:5100/mcp");
        }

        return options;
    }

    private static ToolMcpOptions ReadSection(YamlMapping m, CredentialKind kind, string resource, IReadOnlyList<string> scopes)
    {
        var upstreamResource = m.String("upstream_resource");
        if (kind == CredentialKind.Jwt && upstreamResource is null)
        {
            m.Problem("upstream_resource", "is required for kind jwt: the audience of the credential the gateway presents to the MCP server (its RFC 8707 resource), e.g. http://127.0.0.1:5100/mcp");
        }
        else if (kind == CredentialKind.Secret && upstreamResource is not null)
        {
            m.Problem("upstream_resource", "applies to kind jwt only; a kind: secret MCP server gets the vaulted key (mandate secrets set)");
        }
        else if (upstreamResource is not null && !ResourceUri.IsValid(upstreamResource))
        {
            m.Problem("upstream_resource", "must be an absolute URI without a fragment (it becomes the upstream credential's aud)");
        }
        else if (upstreamResource is not null && string.Equals(upstreamResource, resource, StringComparison.Ordinal))
        {
            // A credential minted for the upstream must never be one the gateway itself would accept.
            m.Problem("upstream_resource", "must differ from the tool's resource (the gateway's own audience)");
        }

        var toolScopes = m.Map("tool_scopes", s => ReadToolScopes(s, scopes));
        return new ToolMcpOptions { UpstreamResource = kind == CredentialKind.Jwt ? upstreamResource : null, ToolScopes = toolScopes };
    }

    private static Dictionary<string, IReadOnlyList<string>> ReadToolScopes(YamlMapping m, IReadOnlyList<string> scopes)
    {
        var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (key, _) in ((YamlMappingNode)m.Node).Children)
        {
            if (key is not YamlScalarNode { Value: { Length: > 0 } name })
            {
                continue;
            }

            var list = m.StringList(name, required: true) ?? [];
            foreach (var scope in list.Where(s => !scopes.Contains(s, StringComparer.Ordinal)))
            {
                // Attenuation: the upstream credential can only carry scopes the MCP server's credential could.
                m.Problem(name, $"scope '{scope}' is not one of the tool's scopes ({string.Join(", ", scopes)})");
            }

            result[name] = list;
        }

        return result;
    }
}
