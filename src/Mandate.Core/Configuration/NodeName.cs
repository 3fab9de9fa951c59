namespace Mandate.Core.Configuration;

/// <summary>
/// This broker node's name: the configured <c>node</c>, unless <c>mandate serve --node</c> or the <c>MANDATE_NODE</c>
/// environment variable says otherwise (a fleet deployed from one mandate.yaml names each node this way). Without any,
/// the machine name, so two nodes never silently share one.
/// </summary>
public static class NodeName
{
    /// <summary>The environment variable that overrides the configured node name.</summary>
    public const string EnvironmentVariable = "MANDATE_NODE";

    /// <summary>Longest node name accepted (it is part of the database connection's application name).</summary>
    public const int MaxLength = 63;

    /// <summary>
    /// <paramref name="options"/> with the node name <paramref name="flag"/>, else the environment variable's, else
    /// unchanged. Throws <see cref="MandateConfigException"/> naming the source when the name is not acceptable.
    /// </summary>
    public static MandateOptions Apply(MandateOptions options, string? flag, Func<string, string?> getEnvironment)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(getEnvironment);
        var (name, source) = flag is not null ? (flag, "--node")
            : getEnvironment(EnvironmentVariable) is { Length: > 0 } fromEnv ? (fromEnv, EnvironmentVariable)
            : (null, null);
        if (name is null)
        {
            return options;
        }

        return Problem(name) is { } problem
            ? throw new MandateConfigException($"the node name from {source} {problem}")
            : options with { Node = name };
    }

    /// <summary>Why <paramref name="name"/> cannot name a node, or null when it can.</summary>
    public static string? Problem(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0 || name.Length > MaxLength)
        {
            return $"must be 1 to {MaxLength} characters";
        }

        return name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')
            ? null
            : $"'{name}' may use only letters, digits, '-', '_' and '.'";
    }
}
