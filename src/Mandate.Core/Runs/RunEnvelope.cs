using System.Text.Json;

namespace Mandate.Core.Runs;

/// <summary>
/// What a run may ever ask for: tools and, per tool, scopes. Every credential in the run, and every
/// child run, must fit inside it (attenuation only).
/// </summary>
public sealed class RunEnvelope
{
    private readonly SortedDictionary<string, SortedSet<string>> _tools;

    public RunEnvelope(IEnumerable<KeyValuePair<string, IEnumerable<string>>> tools)
    {
        ArgumentNullException.ThrowIfNull(tools);
        _tools = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var (tool, scopes) in tools)
        {
            if (!_tools.TryGetValue(tool, out var set))
            {
                _tools[tool] = set = new SortedSet<string>(StringComparer.Ordinal);
            }

            set.UnionWith(scopes);
        }
    }

    public IEnumerable<string> Tools => _tools.Keys;

    public IReadOnlyCollection<string> ScopesOf(string tool) => _tools.TryGetValue(tool, out var s) ? s : [];

    public bool Allows(string tool, IEnumerable<string> scopes) => _tools.TryGetValue(tool, out var s) && scopes.All(s.Contains);

    /// <summary>Each (tool, scope) of this envelope that <paramref name="outer"/> does not contain.</summary>
    public IReadOnlyList<string> Excess(RunEnvelope outer)
    {
        ArgumentNullException.ThrowIfNull(outer);
        return _tools.SelectMany(t => t.Value.Where(s => !outer.Allows(t.Key, [s])).Select(s => $"{t.Key}/{s}")).ToList();
    }

    /// <summary>Space-separated scopes, as in the request's <c>scope</c> parameter.</summary>
    public string Scope => string.Join(' ', _tools.SelectMany(t => t.Value).Distinct(StringComparer.Ordinal));

    public string ToJson() => JsonSerializer.Serialize(_tools.ToDictionary(t => t.Key, t => t.Value.ToArray(), StringComparer.Ordinal));

    /// <summary>The claim value: <c>{"tool": ["scope", …]}</c>.</summary>
    public Dictionary<string, object> ToClaim() => _tools.ToDictionary(t => t.Key, t => (object)t.Value.ToArray(), StringComparer.Ordinal);

    public static RunEnvelope FromJson(string json)
    {
        var parsed = JsonSerializer.Deserialize<Dictionary<string, string[]>>(json) ?? [];
        return new RunEnvelope(parsed.Select(p => new KeyValuePair<string, IEnumerable<string>>(p.Key, p.Value)));
    }
}
