using System.Text.RegularExpressions;

namespace Mandate.Core.Configuration;

/// <summary>
/// A secret that mandate.yaml names but never holds: <c>&lt;key&gt;_env</c> names an environment variable holding it,
/// or <c>&lt;key&gt;_file</c> a file (relative to mandate.yaml). The value is read only when needed (<see cref="Read"/>),
/// and no error or warning ever quotes it.
/// </summary>
public sealed partial record ConfiguredSecret
{
    private ConfiguredSecret(string setting, string? environmentVariable, string? file)
    {
        Setting = setting;
        EnvironmentVariable = environmentVariable;
        File = file;
    }

    /// <summary>The setting's path without its suffix, e.g. <c>postgres.connection_string</c>; errors name <c>_env</c>/<c>_file</c> after it.</summary>
    public string Setting { get; }

    /// <summary>The environment variable holding the secret; null when it is in <see cref="File"/>.</summary>
    public string? EnvironmentVariable { get; }

    /// <summary>The file holding the secret (whole content, trimmed); null when it is in <see cref="EnvironmentVariable"/>.</summary>
    public string? File { get; }

    /// <summary>Where the secret comes from, for logs and errors (never the secret itself): <c>env:NAME</c> or <c>file:PATH</c>.</summary>
    public string Source => EnvironmentVariable is { } variable ? $"env:{variable}" : $"file:{File}";

    /// <summary>The secret in environment variable <paramref name="variable"/>.</summary>
    public static ConfiguredSecret FromEnvironment(string setting, string variable) => new(setting, variable, null);

    /// <summary>The secret in file <paramref name="path"/>.</summary>
    public static ConfiguredSecret FromFile(string setting, string path) => new(setting, null, path);

    /// <summary>
    /// Reads the secret. <paramref name="warning"/> is set when the file can be read by other users.
    /// </summary>
    /// <exception cref="MandateConfigException">The variable is unset or empty, or the file unreadable or empty; the message names which.</exception>
    public string Read(Func<string, string?> getEnvironment, out string? warning)
    {
        ArgumentNullException.ThrowIfNull(getEnvironment);
        warning = null;
        if (EnvironmentVariable is { } variable)
        {
            return getEnvironment(variable) is { } value && !string.IsNullOrWhiteSpace(value)
                ? value.Trim()
                : throw new MandateConfigException($"{Setting}_env names the environment variable {variable}, which is not set or empty; export it, or name a file with {Setting}_file");
        }

        var file = File!;
        string text;
        try
        {
            text = System.IO.File.ReadAllText(file).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new MandateConfigException($"{Setting}_file {file} cannot be read: {e.Message}", e);
        }

        if (text.Length == 0)
        {
            throw new MandateConfigException($"{Setting}_file {file} is empty");
        }

        if (!OperatingSystem.IsWindows() && (System.IO.File.GetUnixFileMode(file) & (UnixFileMode.GroupRead | UnixFileMode.OtherRead)) != 0)
        {
            warning = $"{Setting}_file {file} can be read by other users and holds a secret; restrict it with: chmod 600 {file}";
        }

        return text;
    }

    /// <summary>
    /// Reads <c>&lt;key&gt;_env</c> and <c>&lt;key&gt;_file</c> from <paramref name="m"/>, reporting both given, neither given
    /// when <paramref name="required"/>, and an <c>_env</c> value that is not a variable name (the secret itself, pasted in).
    /// </summary>
    internal static ConfiguredSecret? ReadFrom(YamlMapping m, string key, string baseDir, bool required)
    {
        var envKey = key + "_env";
        var fileKey = key + "_file";
        var variable = m.String(envKey);
        var file = m.String(fileKey);
        var setting = m.PathOf(key);
        if (variable is not null && file is not null)
        {
            m.Problem(fileKey, $"set {envKey} or {fileKey}, not both");
            return null;
        }

        if (variable is not null)
        {
            if (!IsVariableName(variable))
            {
                m.Problem(envKey, "must name an environment variable (letters, digits, _), not hold the secret itself");
                return null;
            }

            return FromEnvironment(setting, variable);
        }

        if (file is not null)
        {
            return FromFile(setting, ConfigLoader.Resolve(baseDir, file));
        }

        if (required)
        {
            m.Problem(envKey, $"needs {envKey} (the name of an environment variable holding it) or {fileKey} (a file, mode 0600, holding it)");
        }

        return null;
    }

    /// <summary>Whether <paramref name="value"/> can name an environment variable (letters, digits, <c>_</c>, not starting with a digit).</summary>
    internal static bool IsVariableName(string value) => VariableName().IsMatch(value);

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex VariableName();
}
