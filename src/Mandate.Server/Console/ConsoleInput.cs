namespace Mandate.Server.Console;

/// <summary>Reading the console's query-string filters.</summary>
internal static class ConsoleInput
{
    /// <summary>The trimmed value, or null for a missing or blank filter (which means "any").</summary>
    public static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
