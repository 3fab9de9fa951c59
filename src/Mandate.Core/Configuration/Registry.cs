namespace Mandate.Core.Configuration;

/// <summary>Agents and tools from configuration, indexed for the request path.</summary>
public sealed class Registry
{
    private readonly Dictionary<string, AgentOptions> _agents;
    private readonly Dictionary<string, ToolOptions> _toolsByName;
    private readonly Dictionary<string, ToolOptions> _toolsByResource;
    private readonly Dictionary<string, ToolOptions> _toolsByOrigin = new(StringComparer.Ordinal);

    public Registry(MandateOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _agents = options.Agents.ToDictionary(a => a.Id, StringComparer.Ordinal);
        _toolsByName = options.Tools.ToDictionary(t => t.Name, StringComparer.Ordinal);
        _toolsByResource = options.Tools.ToDictionary(t => t.Resource, StringComparer.Ordinal);
        foreach (var tool in options.Tools)
        {
            // The configuration refuses two tools one origin names (ConfigRules); the first one stands.
            if (Protocol.ResourceUri.OriginForm(tool.Resource) is { } origin)
            {
                _toolsByOrigin.TryAdd(origin, tool);
            }
        }
    }

    public AgentOptions? FindAgent(string spiffeId) => _agents.GetValueOrDefault(spiffeId);

    /// <summary>
    /// Finds a tool by resource URI (RFC 8707), exactly as registered or, for a resource that is an origin alone, in any
    /// spelling RFC 3986 §6.2.3 makes equal (<see cref="Protocol.ResourceUri.OriginForm"/>), or by its logical name
    /// (RFC 8693 audience). The credential's <c>aud</c> is always the registered spelling.
    /// </summary>
    public ToolOptions? FindTool(string resourceOrName) =>
        _toolsByResource.GetValueOrDefault(resourceOrName) ?? _toolsByName.GetValueOrDefault(resourceOrName)
        ?? (Protocol.ResourceUri.OriginForm(resourceOrName) is { } origin ? _toolsByOrigin.GetValueOrDefault(origin) : null);
}
