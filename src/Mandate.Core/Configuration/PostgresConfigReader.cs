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

            return ReadSection(m, baseDir);
        });
    }

    private static PostgresStoreConfig? ReadSection(YamlMapping m, string baseDir)
    {
        if (m.String("connection_string") is not null)
        {
            // The password would sit in mandate.yaml, which is copied, committed and shown far more than a secret is.
            m.Problem("connection_string", "an inline connection string would put the database password in mandate.yaml; put it in an environment variable named by postgres.connection_string_env, or in a file (mode 0600) named by postgres.connection_string_file");
        }

        var connectionString = ConfiguredSecret.ReadFrom(m, "connection_string", baseDir, required: true);
        var schema = m.String("schema");
        if (schema is not null && !SchemaName().IsMatch(schema))
        {
            m.Problem("schema", $"'{schema}' is not a schema name Mandate accepts; use lowercase letters, digits and _ (starting with a letter or _), at most 63 characters");
        }

        var statement = m.Duration("statement_timeout");
        var connect = m.Duration("connect_timeout");
        foreach (var (key, value) in new[] { ("statement_timeout", statement), ("connect_timeout", connect) })
        {
            if (value > TimeSpan.FromMinutes(5))
            {
                m.Problem(key, "must be at most 5m");
            }
        }

        var maxPoolSize = m.Integer("max_pool_size", 1, 1000);
        if (connectionString is null)
        {
            return null;
        }

        var defaults = new PostgresStoreConfig { ConnectionString = connectionString };
        return defaults with
        {
            Schema = schema ?? defaults.Schema,
            StatementTimeout = statement ?? defaults.StatementTimeout,
            ConnectTimeout = connect ?? defaults.ConnectTimeout,
            MaxPoolSize = maxPoolSize ?? defaults.MaxPoolSize,
        };
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex SchemaName();
}
