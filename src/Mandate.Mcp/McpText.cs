namespace Mandate.Mcp;

/// <summary>Client-chosen text (a tool name, a header) as a refusal or a log shows it.</summary>
public static class McpText
{
    /// <summary>At most this many characters of it are shown.</summary>
    public const int ShownLength = 64;

    /// <summary>The first <see cref="ShownLength"/> characters, anything but printable ASCII (and quotes) as '?'.</summary>
    public static string Shown(string? value) =>
        value is null ? "" : new string(value.Take(ShownLength).Select(c => c is >= ' ' and <= '~' and not '"' and not '\\' and not '\'' ? c : '?').ToArray());
}
