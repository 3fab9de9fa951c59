using Mandate.Core.Spiffe;

namespace Mandate.Server.WorkloadApi;

/// <summary>
/// The entry to suggest when no registration entry matches a caller: its uid and its executable's path, never the uid
/// alone (that would hand the identity to every process of the user, every root process for uid 0), and a warning
/// when the executable is a shared runtime whose path names every program it runs.
/// </summary>
internal static class RegistrationHint
{
    private static readonly HashSet<string> SharedRuntimes = new(StringComparer.Ordinal)
    {
        "dotnet", "java", "node", "python", "python3", "ruby", "perl", "php", "sh", "bash", "dash", "zsh", "env",
    };

    public static string For(ProcessAttributes process, string trustDomain)
    {
        var command = $"mandate entries create --spiffe-id spiffe://{trustDomain}/<path> --selector unix:uid:{process.Uid}";
        if (process.ExecutablePath is not { } path)
        {
            return $"create one with `{command} --selector unix:sha256:<the executable's SHA-256>` (its path is unknown; "
                + "a uid alone would match every process of that user)";
        }

        var hint = $"create one with `{command} --selector unix:path:{path}`";
        var name = Path.GetFileName(path);
        if (SharedRuntimes.Contains(name) || name.StartsWith("python3.", StringComparison.Ordinal))
        {
            hint += $"; but {path} is a shared runtime, so that entry would also match every other {name} program of this user: "
                + "start the program's own executable instead (for .NET, its apphost), or run it under a uid of its own";
        }

        return hint;
    }
}
