using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Mandate.Core.Configuration;

/// <summary>Reads <c>postgres:</c>, which applies when <c>store: postgres</c>.</summary>
internal static partial class PostgresConfigReader
{
    private static readonly string[] Keys =
        ["connection_string", "connection_string_env", "connection_string_file", "schema", "statement_timeout", "connect_timeout", "max_pool_size"];

    /// <summary>The <c>postgres:</c> section when <paramref name="store"/> is <c>postgres</c>; null (and a problem if the section is set) otherwise.</summary>
    public static PostgresStoreConfig? Read(YamlMapping root, string? store, string baseDir)
    {
        var usesPostgres = string.Equals(store, PostgresStoreConfig.StoreKeyword, StringComparison.Ordinal);
        return root.Map("postgres", m =>
        {
            if (!usesPostgres)
            {
                if (m.Node is YamlMappingNode { Children.Count: > 0 })
                {
                    root.Problem("postgres", "applies only with 'store: postgres'; remove it or set store: postgres");
                    // One problem for the section, not one more per key in it.
                    foreach (var key in Keys)
                    {
                        m.Skip(key);
                    }
                }

                return null;
            }

            return ReadSection(m, root, baseDir);
        });
    }

    private static PostgresStoreConfig? ReadSection(YamlMapping m, YamlMapping root, string baseDir)
    {
        var defaults = new PostgresStoreConfig();
        if (m.String("connection_string") is not null)
        {
            // The password would sit in mandate.yaml, which is copied, committed and shown far more than a secret is.
            m.Problem("connection_string", "an inline connection string would put the database password in mandate.yaml; put it in an environment variable named by postgres.connection_string_env, or in a file (mode 0600) named by postgres.connection_string_file");
        }

        var env = m.String("connection_string_env");
        var file = m.String("connection_string_file");
        if (env is null && file is null)
        {
            root.Problem("postgres", "store: postgres needs postgres.connection_string_env (the name of an environment variable holding the connection string) or postgres.connection_string_file");
        }
        else if (env is not null && file is not null)
        {
            m.Problem("connection_string_file", "set either connection_string_env or connection_string_file, not both");
        }

        var schema = m.String("schema") ?? defaults.Schema;
        if (!SchemaName().IsMatch(schema))
        {
            m.Problem("schema", $"'{schema}' is not a schema name Mandate accepts; use lowercase letters, digits and _ (starting with a letter or _), at most 63 characters");
        }

        var statement = m.Duration("statement_timeout") ?? defaults.StatementTimeout;
        var connect = m.Duration("connect_timeout") ?? defaults.ConnectTimeout;
        foreach (var (key, value) in new[] { ("statement_timeout", statement), ("connect_timeout", connect) })
        {
            if (value > TimeSpan.FromMinutes(5))
            {
                m.Problem(key, "must be at most 5m");
            }
        }

        return new PostgresStoreConfig
        {
            ConnectionStringEnvironmentVariable = env,
            ConnectionStringFile = env is null && file is not null ? ConfigLoader.Resolve(baseDir, file) : null,
            Schema = schema,
            StatementTimeout = statement,
            ConnectTimeout = connect,
            MaxPoolSize = m.Integer("max_pool_size", 1, 1000) ?? defaults.MaxPoolSize,
        };
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex SchemaName();
}
