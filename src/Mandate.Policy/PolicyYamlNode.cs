namespace Mandate.Policy;

/// <summary>
/// A YAML node with the position it came from. YamlDotNet's representation model throws on the
/// first duplicate key and resolves aliases silently; the policy loader needs every problem with
/// its line and column, so it builds this small tree from parser events instead.
/// </summary>
internal abstract class PolicyYamlNode(string path, int line, int column)
{
    /// <summary>Where the node sits in the document, e.g. <c>rules[2].tools</c>.</summary>
    public string Path { get; } = path;

    public int Line { get; } = line;

    public int Column { get; } = column;

    /// <summary>A short name for the node's shape, used in "expected a list, found a mapping".</summary>
    public abstract string Kind { get; }
}

internal sealed class PolicyYamlScalar(string path, int line, int column, string value, bool isNull, PolicyScalarStyle style = PolicyScalarStyle.Plain, int blockIndent = 0)
    : PolicyYamlNode(path, line, column)
{
    public string Value { get; } = value;

    /// <summary>How the value was written; expressions use it to map their positions back to the file.</summary>
    public PolicyScalarStyle Style { get; } = style;

    /// <summary>For block scalars (<c>|</c>, <c>&gt;</c>): the 0-based column where content lines start.</summary>
    public int BlockIndent { get; } = blockIndent;

    /// <summary>True for an unquoted empty value, <c>~</c> or <c>null</c> (YAML core schema).</summary>
    public bool IsNull { get; } = isNull;

    public override string Kind => IsNull ? "nothing" : "a single value";
}

internal sealed class PolicyYamlSequence(string path, int line, int column, IReadOnlyList<PolicyYamlNode> items)
    : PolicyYamlNode(path, line, column)
{
    public IReadOnlyList<PolicyYamlNode> Items { get; } = items;

    public override string Kind => "a list";
}

internal sealed class PolicyYamlMapping(
    string path, int line, int column, IReadOnlyList<KeyValuePair<PolicyYamlScalar, PolicyYamlNode>> entries)
    : PolicyYamlNode(path, line, column)
{
    /// <summary>Entries in document order; duplicate keys were already reported and dropped.</summary>
    public IReadOnlyList<KeyValuePair<PolicyYamlScalar, PolicyYamlNode>> Entries { get; } = entries;

    public override string Kind => "a mapping";
}

/// <summary>How a scalar was written in the YAML source.</summary>
internal enum PolicyScalarStyle
{
    Plain,
    Quoted,
    Block,
}
