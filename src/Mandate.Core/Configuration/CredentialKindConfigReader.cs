using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Mandate.Core.Configuration;

/// <summary>
/// Reads the kind-specific section of a tool (<c>postgres:</c>, <c>oidc_federation:</c>) and checks it
/// against the tool's kind and scopes, so a tool that cannot mint what it promises never loads.
/// </summary>
internal static partial class CredentialKindConfigReader
{
    private const string PostgresKey = "postgres";
    private const string FederationKey = "oidc_federation";

    public static (PostgresToolOptions? Postgres, OidcFederationToolOptions? Federation) Read(YamlMapping m, CredentialKind kind, IReadOnlyList<string> scopes, string baseDir)
    {
        var postgres = Section(m, PostgresKey, kind == CredentialKind.Postgres, "postgres", s => ReadPostgres(s, scopes, baseDir));
        var federation = Section(m, FederationKey, kind == CredentialKind.OidcFederation, "oidc-federation", ReadFederation);
        return (postgres, federation);
    }

    private static T? Section<T>(YamlMapping m, string key, bool wanted, string kindName, Func<YamlMapping, T?> read)
        where T : class
    {
        var present = m.Node is YamlMappingNode node && node.Children.ContainsKey(new YamlScalarNode(key));
        if (!present)
        {
            if (wanted)
            {
                m.Problem(key, $"is required for kind: {kindName} (see docs/credential-kinds.md)");
            }

            return null;
        }

        var value = m.Map(key, read);
        if (!wanted)
        {
            m.Problem(key, $"only applies to tools of kind: {kindName}");
            return null;
        }

        return value;
    }

    private static PostgresToolOptions? ReadPostgres(YamlMapping m, IReadOnlyList<string> scopes, string baseDir)
    {
        foreach (var inline in new[] { "admin_connection", "admin_connection_string", "admin_dsn", "password" })
        {
            if (m.String(inline) is not null)
            {
                // A secret in YAML ends up in repositories and backups; the admin login must come from the environment or a file.
                m.Problem(inline, "secrets are never written inline; put the admin connection string in an environment variable (admin_connection_env) or a file (admin_connection_file)");
            }
        }

        var adminConnection = ConfiguredSecret.ReadFrom(m, "admin_connection", baseDir, required: true);
        var host = m.String("host", required: true);
        var port = m.Integer("port", 1, 65535);
        var database = m.String("database", required: true);
        var prefix = m.String("role_prefix");
        if (prefix is not null && !RolePrefix().IsMatch(prefix))
        {
            m.Problem("role_prefix", "must be 1-32 of a-z, 0-9 and _, starting with a letter or _ (role names are generated from it)");
        }

        var grants = m.Map("grants", g => ReadGrants(g, scopes));
        if (adminConnection is null || host is null || database is null || grants is null)
        {
            return null;
        }

        var defaults = new PostgresToolOptions { AdminConnection = adminConnection, Host = host, Database = database, Grants = grants };
        return defaults with
        {
            Port = port ?? defaults.Port,
            RolePrefix = prefix ?? defaults.RolePrefix,
        };
    }

    private static Dictionary<string, IReadOnlyList<string>>? ReadGrants(YamlMapping g, IReadOnlyList<string> scopes)
    {
        var grants = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var keys = ((YamlMappingNode)g.Node).Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value ?? "").ToList();
        foreach (var scope in keys)
        {
            var statements = g.StringList(scope);
            if (!scopes.Contains(scope, StringComparer.Ordinal))
            {
                g.Problem(scope, $"'{scope}' is not one of the tool's scopes ({string.Join(", ", scopes)})");
                continue;
            }

            if (statements is null || statements.Count == 0)
            {
                g.Problem(scope, "must list at least one GRANT statement");
                continue;
            }

            foreach (var statement in statements)
            {
                CheckStatement(g, scope, statement);
            }

            grants[scope] = statements;
        }

        foreach (var missing in scopes.Where(s => !grants.ContainsKey(s) && !keys.Contains(s, StringComparer.Ordinal)))
        {
            // A scope without SQL would be granted in the audit trail and nothing in the database, or everything by accident.
            g.Problem(missing, $"scope '{missing}' has no grant list; every scope of a postgres tool maps to the statements that grant it");
        }

        return grants.Count == scopes.Count ? grants : null;
    }

    private static void CheckStatement(YamlMapping g, string scope, string statement)
    {
        var placeholders = Placeholder().Matches(statement).Select(x => x.Value).ToList();
        if (placeholders.Any(p => p != PostgresToolOptions.RolePlaceholder))
        {
            g.Problem(scope, $"'{statement}' uses a placeholder other than {PostgresToolOptions.RolePlaceholder}; only the generated role name is substituted");
        }
        else if (placeholders.Count == 0)
        {
            g.Problem(scope, $"'{statement}' does not mention {PostgresToolOptions.RolePlaceholder}; a grant must name the generated role");
        }

        if (statement.Contains(';', StringComparison.Ordinal) || statement.Contains("$$", StringComparison.Ordinal) || statement.Contains("--", StringComparison.Ordinal))
        {
            g.Problem(scope, $"'{statement}' must be one statement without ';', '$$' or comments");
        }
    }

    private static OidcFederationToolOptions? ReadFederation(YamlMapping m)
    {
        var audience = m.String("audience", required: true);
        var subject = m.String("subject");
        var lifetime = m.Duration("lifetime");
        if (subject is not null)
        {
            foreach (Match p in Placeholder().Matches(subject))
            {
                if (!OidcFederationToolOptions.Placeholders.Contains(p.Value))
                {
                    m.Problem("subject", $"'{p.Value}' is not a placeholder; use {string.Join(", ", OidcFederationToolOptions.Placeholders)}");
                }
            }

            if (OidcFederationToolOptions.TemplateProblem(subject) is { } ambiguous)
            {
                // A cloud's trust policy matches the sub as a string: two callers rendering one sub would share a cloud role.
                m.Problem("subject", ambiguous);
            }

            var text = Placeholder().Replace(subject, "");
            if (!System.Text.Ascii.IsValid(text) || text.Length > 255)
            {
                // OIDC Core 1.0 §2: sub MUST NOT exceed 255 ASCII characters; a template whose own text breaks that never mints.
                m.Problem("subject", "renders the ID token's sub, which is 1 to 255 ASCII characters (OpenID Connect Core 1.0 §2); its fixed text is not");
            }
        }

        if (lifetime is { } l && (l < TimeSpan.FromSeconds(30) || l > TimeSpan.FromHours(1)))
        {
            m.Problem("lifetime", "must be between 30s and 1h");
        }

        if (audience is null)
        {
            return null;
        }

        var defaults = new OidcFederationToolOptions { Audience = audience };
        return defaults with { Subject = subject ?? defaults.Subject, Lifetime = lifetime };
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,31}$")]
    private static partial Regex RolePrefix();

    [GeneratedRegex(@"\{[^{}]*\}")]
    private static partial Regex Placeholder();
}
