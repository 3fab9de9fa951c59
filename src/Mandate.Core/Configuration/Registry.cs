namespace Mandate.Core.Configuration;

/// <summary>Agents and tools from configuration, indexed for the request path.</summary>
public sealed class Registry
{
    private readonly Dictionary<string, AgentOptions> _agents;
    private readonly Dictionary<string, ToolOptions> _toolsByName;
    private readonly Dictionary<string, ToolOptions> _toolsByResource;

    public Registry(MandateOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _agents = options.Agents.ToDictionary(a => a.Id, StringComparer.Ordinal);
        _toolsByName = options.Tools.ToDictionary(t => t.Name, StringComparer.Ordinal);
        _toolsByResource = options.Tools.ToDictionary(t => t.Resource, StringComparer.Ordinal);
    }

    public AgentOptions? FindAgent(string spiffeId) => _agents.GetValueOrDefault(spiffeId);

    /// <summary>Finds a tool by resource URI (RFC 8707) or by its logical name (RFC 8693 audience).</summary>
    public ToolOptions? FindTool(string resourceOrName) =>
        _toolsByResource.GetValueOrDefault(resourceOrName) ?? _toolsByName.GetValueOrDefault(resourceOrName);
}
