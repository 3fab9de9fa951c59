namespace Mandate.Core.Configuration;

/// <summary>
/// <c>store: postgres</c> with its <c>postgres:</c> section: several broker nodes share one PostgreSQL database. The
/// connection string (which holds the database password) comes from an environment variable or a file, never from
/// mandate.yaml itself; it is read at start-up (<see cref="ReadConnectionString"/>).
/// </summary>
public sealed record PostgresStoreConfig
{
    /// <summary>The word <c>store:</c> takes to choose PostgreSQL.</summary>
    public const string StoreKeyword = "postgres";

    /// <summary>Environment variable holding the Npgsql connection string (<c>connection_string_env</c>). One of this or <see cref="ConnectionStringFile"/>.</summary>
    public string? ConnectionStringEnvironmentVariable { get; init; }

    /// <summary>File holding the connection string, trimmed (<c>connection_string_file</c>, relative to mandate.yaml).</summary>
    public string? ConnectionStringFile { get; init; }

    /// <summary>Schema holding Mandate's tables. Default <c>mandate</c>.</summary>
    public string Schema { get; init; } = "mandate";

    /// <summary>Longest one statement may run before the server cancels it and the request fails closed. Default 5 s.</summary>
    public TimeSpan StatementTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Longest to wait for a connection to open. Default 5 s.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Most pooled connections one node opens. Default 50.</summary>
    public int MaxPoolSize { get; init; } = 50;

    /// <summary>Where the connection string comes from, for logs and errors (never the string itself).</summary>
    public string Source => ConnectionStringEnvironmentVariable is { } env ? $"env:{env}" : $"file:{ConnectionStringFile}";

    /// <summary>
    /// Reads the connection string from the environment variable or the file. <paramref name="warning"/> is set when
    /// the file can be read by other users (it holds the database password). Throws <see cref="MandateConfigException"/>
    /// naming the variable or file when it is missing, unreadable or empty.
    /// </summary>
    public string ReadConnectionString(Func<string, string?> getEnvironment, out string? warning)
    {
        ArgumentNullException.ThrowIfNull(getEnvironment);
        warning = null;
        if (ConnectionStringEnvironmentVariable is { } variable)
        {
            var value = getEnvironment(variable);
            return string.IsNullOrWhiteSpace(value)
                ? throw new MandateConfigException($"store: postgres reads its connection string from the environment variable {variable} (postgres.connection_string_env), which is not set or empty")
                : value.Trim();
        }

        var file = ConnectionStringFile ?? throw new MandateConfigException("store: postgres needs postgres.connection_string_env or postgres.connection_string_file");
        string text;
        try
        {
            text = File.ReadAllText(file).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new MandateConfigException($"cannot read the PostgreSQL connection string file {file} (postgres.connection_string_file): {e.Message}");
        }

        if (text.Length == 0)
        {
            throw new MandateConfigException($"the PostgreSQL connection string file {file} (postgres.connection_string_file) is empty");
        }

        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(file) & (UnixFileMode.GroupRead | UnixFileMode.OtherRead)) != 0)
        {
            warning = $"the PostgreSQL connection string file {file} can be read by other users and holds the database password; restrict it with: chmod 600 {file}";
        }

        return text;
    }
}
