namespace Mandate.Policy;

/// <summary>Where YAML text stopped parsing and what to check there (1-based line and column).</summary>
public sealed record YamlSyntaxError(int Line, int Column, string Message);
