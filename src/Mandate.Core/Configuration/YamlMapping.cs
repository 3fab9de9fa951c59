using Mandate.Policy;
using YamlDotNet.RepresentationModel;

namespace Mandate.Core.Configuration;

/// <summary>
/// Reads one YAML mapping with positions, so every problem can say file:line:column. Collects
/// problems instead of throwing; <see cref="Finish"/> reports keys nobody asked for (typos).
/// </summary>
internal sealed class YamlMapping
{
    private readonly YamlMappingNode _node;
    private readonly string _path;
    private readonly ICollection<ConfigProblem> _problems;
    private readonly string _file;
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    public YamlMapping(YamlMappingNode node, string path, string file, ICollection<ConfigProblem> problems)
    {
        _node = node;
        _path = path;
        _file = file;
        _problems = problems;
    }

    public YamlNode Node => _node;

    /// <summary>A non-empty string; a missing required one is reported with <paramref name="whatToWrite"/> (what it holds, an example).</summary>
    public string? String(string key, bool required = false, string? whatToWrite = null)
    {
        var value = Get(key, required, whatToWrite);
        if (value is null)
        {
            return null;
        }

        if (value is YamlScalarNode { Value: { } s } && s.Length > 0)
        {
            return s;
        }

        Report(value, Join(key), "must be a non-empty string");
        return null;
    }

    /// <summary>
    /// A duration of at most <paramref name="atMost"/>. A longer one is a typo or a wrong unit, and the dates and timers
    /// the broker derives from it must stay representable (a timer holds at most about 49 days, a date ends in 9999).
    /// </summary>
    public TimeSpan? Duration(string key, TimeSpan atMost)
    {
        var value = Duration(key);
        if (value > atMost)
        {
            Problem(key, $"'{String(key)}' is too long: at most {Configuration.Duration.Format(atMost)}");
            return null;
        }

        return value;
    }

    public TimeSpan? Duration(string key)
    {
        var text = String(key);
        if (text is null)
        {
            return null;
        }

        if (Configuration.Duration.TryParse(text, out var value))
        {
            return value;
        }

        Report(_node.Children[new YamlScalarNode(key)], Join(key), $"'{text}' is not a duration; {Configuration.Duration.Rule}");
        return null;
    }

    /// <summary>An integer within [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public int? Integer(string key, int min, int max)
    {
        var text = String(key);
        if (text is null)
        {
            return null;
        }

        if (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n >= min && n <= max)
        {
            return n;
        }

        Report(_node.Children[new YamlScalarNode(key)], Join(key), $"must be a whole number from {min} to {max}");
        return null;
    }

    public bool? Bool(string key)
    {
        var text = String(key);
        if (text is null)
        {
            return null;
        }

        if (bool.TryParse(text, out var b))
        {
            return b;
        }

        Report(_node.Children[new YamlScalarNode(key)], Join(key), "must be true or false");
        return null;
    }

    /// <summary>A list of strings; a single scalar is accepted as a one-item list.</summary>
    public IReadOnlyList<string>? StringList(string key, bool required = false)
    {
        var value = Get(key, required);
        switch (value)
        {
            case null:
                return null;
            case YamlScalarNode { Value: { Length: > 0 } one }:
                return [one];
            case YamlSequenceNode seq:
                var items = new List<string>();
                var i = 0;
                foreach (var item in seq)
                {
                    if (item is YamlScalarNode { Value: { Length: > 0 } s })
                    {
                        items.Add(s);
                    }
                    else
                    {
                        Report(item, $"{Join(key)}[{i}]", "must be a non-empty string");
                    }

                    i++;
                }

                return items;
            default:
                Report(value, Join(key), "must be a list of strings");
                return null;
        }
    }

    /// <summary>
    /// A list of mappings, each read by <paramref name="read"/>; a missing required one is reported with
    /// <paramref name="whatToWrite"/> (what it holds, where an example is).
    /// </summary>
    public List<T> List<T>(string key, Func<YamlMapping, T?> read, bool required = false, string? whatToWrite = null)
        where T : class
    {
        var result = new List<T>();
        var value = Get(key, required, whatToWrite);
        if (value is null)
        {
            return result;
        }

        if (value is not YamlSequenceNode seq)
        {
            Report(value, Join(key), "must be a list");
            return result;
        }

        var i = 0;
        foreach (var item in seq)
        {
            var itemPath = $"{Join(key)}[{i++}]";
            if (item is not YamlMappingNode map)
            {
                Report(item, itemPath, "must be a mapping");
                continue;
            }

            var reader = new YamlMapping(map, itemPath, _file, _problems);
            var parsed = read(reader);
            reader.Finish();
            if (parsed is not null)
            {
                result.Add(parsed);
            }
        }

        return result;
    }

    /// <summary>A nested mapping, read by <paramref name="read"/>; absent gives <paramref name="read"/> an empty mapping so defaults apply.</summary>
    public T Map<T>(string key, Func<YamlMapping, T> read)
    {
        var value = Get(key, required: false);
        var map = value as YamlMappingNode;
        if (value is not null && map is null)
        {
            Report(value, Join(key), "must be a mapping");
        }

        var reader = new YamlMapping(map ?? new YamlMappingNode(), Join(key), _file, _problems);
        var result = read(reader);
        reader.Finish();
        return result;
    }

    /// <summary>Whether the file sets <paramref name="key"/> here (a default stands in otherwise).</summary>
    public bool Has(string key) => _node.Children.ContainsKey(new YamlScalarNode(key));

    /// <summary>Marks <paramref name="key"/> as understood without reading it (its section was refused as a whole).</summary>
    public void Skip(string key) => _read.Add(key);

    /// <summary>Reports a problem at <paramref name="key"/> (or at this mapping when the key is absent).</summary>
    public void Problem(string key, string message)
    {
        YamlNode at = _node.Children.TryGetValue(new YamlScalarNode(key), out var v) ? v : _node;
        Report(at, Join(key), message);
    }

    /// <summary>
    /// Reports a problem at the setting <paramref name="path"/> names below this mapping: keys, and list indexes for
    /// lists (<c>["agents", 1, "max_lifetime"]</c>); at the deepest part of it the file has when the rest is left to its
    /// default, so the line shown is the one to change.
    /// </summary>
    public void Problem(IReadOnlyList<object> path, string message)
    {
        YamlNode at = _node;
        var where = _path;
        foreach (var step in path)
        {
            YamlNode? next = (at, step) switch
            {
                (YamlMappingNode map, string key) when map.Children.TryGetValue(new YamlScalarNode(key), out var child) => child,
                (YamlSequenceNode list, int index) when index >= 0 && index < list.Children.Count => list.Children[index],
                _ => null,
            };
            if (next is null)
            {
                break;
            }

            at = next;
            where = step is int i ? $"{where}[{i}]" : string.IsNullOrEmpty(where) ? (string)step : $"{where}.{step}";
        }

        Report(at, where, message);
    }

    /// <summary>The position in the list <paramref name="listKey"/> of the first entry whose <paramref name="key"/> is <paramref name="value"/>, or -1.</summary>
    public int IndexOf(string listKey, string key, string value) =>
        _node.Children.TryGetValue(new YamlScalarNode(listKey), out var list) && list is YamlSequenceNode items
            ? items.Children.ToList().FindIndex(e => e is YamlMappingNode m && m.Children.TryGetValue(new YamlScalarNode(key), out var v) && v is YamlScalarNode { Value: { } s } && s == value)
            : -1;

    public void Finish()
    {
        foreach (var (k, _) in _node.Children)
        {
            if (k is YamlScalarNode { Value: { } name } && !_read.Contains(name))
            {
                // Every key this mapping understands was asked for before Finish, so _read is the list to suggest from.
                var hint = NameSuggestions.Closest(name, _read) is { } suggestion
                    ? $"did you mean '{suggestion}'?"
                    : "check the spelling; see docs/configuration.md";
                Report(k, Join(name), $"unknown key ({hint})");
            }
        }
    }

    private YamlNode? Get(string key, bool required, string? whatToWrite = null)
    {
        _read.Add(key);
        if (_node.Children.TryGetValue(new YamlScalarNode(key), out var value)
            && !(value is YamlScalarNode { Value: null or "" or "~" or "null" } s && s.Style == YamlDotNet.Core.ScalarStyle.Plain))
        {
            return value;
        }

        if (required)
        {
            Report(_node, Join(key), whatToWrite is null ? "is required" : $"is required: {whatToWrite}");
        }

        return null;
    }

    /// <summary>The dotted path of <paramref name="key"/> in this mapping, as problems name it.</summary>
    public string PathOf(string key) => Join(key);

    private string Join(string key) => string.IsNullOrEmpty(_path) ? key : $"{_path}.{key}";

    private void Report(YamlNode node, string path, string message) =>
        _problems.Add(new ConfigProblem(_file, (int)node.Start.Line, (int)node.Start.Column, path, message));
}
