using System.Globalization;

namespace Mandate.Core.Spiffe;

/// <summary>
/// One SPIRE-style selector of the <c>unix</c> workload attestor: <c>unix:uid:&lt;n&gt;</c>, <c>unix:gid:&lt;n&gt;</c>,
/// <c>unix:user:&lt;name&gt;</c>, <c>unix:path:&lt;absolute path&gt;</c> or <c>unix:sha256:&lt;hex&gt;</c>.
/// </summary>
public sealed record Selector(string Type, string Value)
{
    public const string Help = "write unix:uid:<n>, unix:gid:<n>, unix:user:<name>, unix:path:<absolute path> or unix:sha256:<64 hex digits>";

    public override string ToString() => $"unix:{Type}:{Value}";

    /// <summary>Parses and canonicalises (sha256 lower-cased); gives a reason when <paramref name="text"/> is not a selector.</summary>
    public static bool TryParse(string? text, out Selector? selector, out string? error)
    {
        selector = null;
        error = null;
        var parts = text?.Split(':', 3);
        if (parts is not { Length: 3 } || parts[0] != "unix" || parts[2].Length == 0)
        {
            error = $"'{text}' is not a selector; {Help}";
            return false;
        }

        var (type, value) = (parts[1], parts[2]);
        switch (type)
        {
            case "uid" or "gid" when uint.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n):
                selector = new Selector(type, n.ToString(CultureInfo.InvariantCulture));
                return true;
            case "user" when value.Length <= 64 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'):
                selector = new Selector(type, value);
                return true;
            case "path" when value.StartsWith('/') && value.Length <= 4096:
                error = PathProblem(value);
                selector = error is null ? new Selector(type, value) : null;
                return error is null;
            case "sha256" when value.Length == 64 && value.All(char.IsAsciiHexDigit):
                selector = new Selector(type, value.ToLowerInvariant());
                return true;
            default:
                error = $"'{text}' is not a valid selector; {Help}";
                return false;
        }
    }

    // The executable's path is matched as the kernel resolves it (absolute, no '.', '..' or empty segments), so any
    // other spelling could never match.
    private static string? PathProblem(string path)
    {
        var control = Array.FindIndex(path.ToCharArray(), char.IsControl);
        if (control >= 0)
        {
            return $"the unix:path selector holds the control character U+{(int)path[control]:X4} at position {control + 1}; selectors refuse them, as they would make the entry's audit record and listings ambiguous";
        }

        return path.Length > 1 && path.Split('/')[1..].Any(segment => segment is "" or "." or "..")
            ? $"unix:path selector '{path}' is not a resolved path (it has '.', '..', '//' or a trailing '/'), so it could never match; write the executable's absolute path as /proc/<pid>/exe shows it"
            : null;
    }

    /// <summary>True when the process has this attribute. Unknown attributes (no path, no hash) never match.</summary>
    public bool Matches(ProcessAttributes process)
    {
        ArgumentNullException.ThrowIfNull(process);
        return Type switch
        {
            "uid" => Value == process.Uid.ToString(CultureInfo.InvariantCulture),
            "gid" => Value == process.Gid.ToString(CultureInfo.InvariantCulture),
            "user" => process.UserName is not null && Value == process.UserName,
            "path" => process.ExecutablePath is not null && Value == process.ExecutablePath,
            "sha256" => process.ExecutableSha256 is not null && Value == process.ExecutableSha256,
            _ => false,
        };
    }
}
