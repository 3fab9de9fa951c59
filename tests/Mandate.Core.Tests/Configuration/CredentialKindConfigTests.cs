using Mandate.Core.Configuration;
using static Mandate.Core.Tests.Configuration.ConfigTestData;

namespace Mandate.Core.Tests.Configuration;

/// <summary>Kind-specific tool settings: a postgres or oidc-federation tool that cannot mint what it promises never loads.</summary>
public sealed class CredentialKindConfigTests
{
    private const string Warehouse = Minimal + """

        tools:
          - name: warehouse
            resource: https://warehouse.acme.example
            kind: postgres
            scopes: [warehouse:read, warehouse:write]
            postgres:
        """;

    private const string Grants = """

              grants:
                "warehouse:read": ["GRANT USAGE ON SCHEMA sales TO {role}", "GRANT SELECT ON ALL TABLES IN SCHEMA sales TO {role}"]
                "warehouse:write": ["GRANT INSERT ON ALL TABLES IN SCHEMA sales TO {role}"]
        """;

    [Fact]
    public void Postgres_Valid_ReadsEverySetting()
    {
        var tool = Parse(Warehouse + """

                  admin_connection_env: WAREHOUSE_ADMIN_DSN
                  host: db.acme.example
                  port: 6432
                  database: analytics
                  role_prefix: agent_
            """ + Grants).Tools[0];

        Assert.Equal(CredentialKind.Postgres, tool.Kind);
        var pg = tool.Postgres!;
        Assert.Equal(("WAREHOUSE_ADMIN_DSN", "db.acme.example", 6432, "analytics", "agent_"), (pg.AdminConnection.EnvironmentVariable, pg.Host, pg.Port, pg.Database, pg.RolePrefix));
        Assert.Equal(2, pg.Grants["warehouse:read"].Count);
        Assert.Null(tool.OidcFederation);
    }

    [Theory]
    [InlineData("admin_connection: \"Host=db;Password=hunter2\"", "admin_connection", "never written inline")]
    [InlineData("password: hunter2", "password", "never written inline")]
    [InlineData("admin_connection_env: \"Host=db;Password=hunter2\"", "admin_connection_env", "must name an environment variable")]
    [InlineData("admin_connection_file: admin.dsn\n      admin_connection_env: DSN", "admin_connection_file", "not both")]
    [InlineData("role_prefix: \"x\\\"; DROP\"", "role_prefix", "must be 1-32 of a-z")]
    public void Postgres_AdminConnectionAndPrefix_RefusedWithRule(string line, string key, string rule)
    {
        var yaml = Warehouse + "\n      " + line + "\n      host: db\n      database: analytics" + Grants;
        if (!line.Contains("admin_connection_", StringComparison.Ordinal))
        {
            yaml = yaml.Replace("      host: db", "      admin_connection_env: DSN\n      host: db", StringComparison.Ordinal);
        }

        var problems = Problems(yaml);

        Assert.Contains(problems, p => p.Path == "tools[0].postgres." + key && p.Message.Contains(rule, StringComparison.Ordinal));
    }

    [Fact]
    public void Postgres_ScopeWithoutGrantList_IsRefused()
    {
        var problem = SingleProblem(Warehouse + """

                  admin_connection_env: DSN
                  host: db
                  database: analytics
                  grants:
                    "warehouse:read": ["GRANT SELECT ON ALL TABLES IN SCHEMA sales TO {role}"]
            """);

        Assert.Equal("tools[0].postgres.grants.warehouse:write", problem.Path);
        Assert.Contains("has no grant list", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GRANT SELECT ON ALL TABLES IN SCHEMA {schema} TO {role}", "placeholder other than {role}")]
    [InlineData("GRANT SELECT ON ALL TABLES IN SCHEMA sales TO PUBLIC", "does not mention {role}")]
    [InlineData("GRANT SELECT ON sales.orders TO {role}; DROP TABLE sales.orders", "one statement")]
    public void Postgres_BadGrantStatement_IsRefused(string statement, string rule)
    {
        var problem = SingleProblem(Warehouse + $$"""

                  admin_connection_env: DSN
                  host: db
                  database: analytics
                  grants:
                    "warehouse:read": ["{{statement}}"]
                    "warehouse:write": ["GRANT INSERT ON ALL TABLES IN SCHEMA sales TO {role}"]
            """);

        Assert.Equal("tools[0].postgres.grants.warehouse:read", problem.Path);
        Assert.Contains(rule, problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Postgres_GrantForUnknownScope_IsRefused()
    {
        var problems = Problems(Warehouse + """

                  admin_connection_env: DSN
                  host: db
                  database: analytics
            """ + Grants.Replace("\"warehouse:write\"", "\"warehouse:admin\"", StringComparison.Ordinal));

        Assert.Contains(problems, p => p.Path == "tools[0].postgres.grants.warehouse:admin" && p.Message.Contains("not one of the tool's scopes", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Path == "tools[0].postgres.grants.warehouse:write" && p.Message.Contains("has no grant list", StringComparison.Ordinal));
    }

    [Fact]
    public void Postgres_SectionMissing_IsRequired()
    {
        var problem = SingleProblem(Warehouse.Replace("    postgres:", "", StringComparison.Ordinal));

        Assert.Equal("tools[0].postgres", problem.Path);
        Assert.Contains("is required for kind: postgres", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void KindSection_OnToolOfAnotherKind_IsRefused()
    {
        var problem = SingleProblem(WithRefunds + "\n    oidc_federation: { audience: sts.amazonaws.com }");

        Assert.Equal("tools[0].oidc_federation", problem.Path);
        Assert.Contains("only applies to tools of kind: oidc-federation", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("kind: oidc-federation\n    oidc_federation: { audience: sts.amazonaws.com }", "oidc-federation")]
    [InlineData("kind: jwt", null)]
    [InlineData("kind: secret\n    upstream: https://api.vendor.example\n    secret: { header: X-Api-Key }", null)]
    public void ToolCatalog_NamesTheToolsWhoseCredentialsCannotBeBound(string kind, string? unbindable)
    {
        var options = Parse(WithRefunds.Replace("scopes: [refunds:read]", "scopes: [refunds:read]\n    " + kind, StringComparison.Ordinal));

        var catalog = options.ToolCatalog();

        Assert.Contains("refunds", catalog.Names);
        Assert.Equal(unbindable, catalog.Unbindable.GetValueOrDefault("refunds"));
    }

    [Fact]
    public void OidcFederation_Valid_DefaultsSubjectToAgent()
    {
        var tool = Parse(WithRefunds.Replace("scopes: [refunds:read]", "scopes: [refunds:read]\n    kind: oidc-federation\n    oidc_federation: { audience: sts.amazonaws.com, lifetime: 5m }", StringComparison.Ordinal)).Tools[0];

        Assert.Equal(("sts.amazonaws.com", "{agent}", TimeSpan.FromMinutes(5)), (tool.OidcFederation!.Audience, tool.OidcFederation.Subject, tool.OidcFederation.Lifetime));
        Assert.Equal("acme:a", tool.OidcFederation with { Subject = "{tenant}:{agent}" } is { } t ? t.RenderSubject("acme", "a", "r", "refunds", null) : null);
    }

    [Theory]
    [InlineData("{tenant}{user}", "puts {tenant} and {user} side by side")]
    [InlineData("{tenant}-{user}", "puts {tenant} and {user} side by side")]
    [InlineData("{agent}:{tenant}:{agent}", "names {agent} more than once")]
    public void OidcFederation_SubjectThatCouldRenderOneSubForTwoCallers_IsRefused(string subject, string rule)
    {
        // A cloud's trust policy matches the sub as a string: tenant 'a-b' user 'c' and tenant 'a' user 'b-c' must not meet.
        var problem = SingleProblem(WithRefunds.Replace("scopes: [refunds:read]", $"scopes: [refunds:read]\n    kind: oidc-federation\n    oidc_federation: {{ audience: a, subject: \"{subject}\" }}", StringComparison.Ordinal));

        Assert.Equal("tools[0].oidc_federation.subject", problem.Path);
        Assert.Contains(rule, problem.Message, StringComparison.Ordinal);
        Assert.Contains("separated by fixed text holding ':' or '/'", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{ subject: x }", "audience", "is required")]
    [InlineData("{ audience: a, subject: \"{tenant}:{secret}\" }", "subject", "'{secret}' is not a placeholder")]
    [InlineData("{ audience: a, lifetime: 2h }", "lifetime", "between 30s and 1h")]
    [InlineData("{ audience: \"\" }", "audience", "must be a non-empty string")]
    [InlineData("{ audience: a, subject: \"\" }", "subject", "must be a non-empty string")]
    [InlineData("{ audience: a, subject: \"équipe:{agent}\" }", "subject", "1 to 255 ASCII characters")]
    public void OidcFederation_Invalid_IsRefused(string section, string key, string rule)
    {
        var problem = SingleProblem(WithRefunds.Replace("scopes: [refunds:read]", $"scopes: [refunds:read]\n    kind: oidc-federation\n    oidc_federation: {section}", StringComparison.Ordinal));

        Assert.Equal("tools[0].oidc_federation." + key, problem.Path);
        Assert.Contains(rule, problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OidcFederation_SubjectTextOver255Characters_IsRefused()
    {
        // OIDC Core 1.0 §2: sub MUST NOT exceed 255 ASCII characters, which 256 characters of fixed text never meet.
        OidcFederation_Invalid_IsRefused($"{{ audience: a, subject: \"{new string('s', 256)}:{{agent}}\" }}", "subject", "1 to 255 ASCII characters");
    }

    [Fact]
    public void X509_WithoutSpiffeCa_IsRefusedAtItsKind()
    {
        // docs/configuration.md: a tool of kind x509 "needs spiffe.enabled: true"; without the CA it could never issue.
        var problem = SingleProblem(WithRefunds.Replace("scopes: [refunds:read]", "scopes: [refunds:read]\n    kind: x509", StringComparison.Ordinal));

        Assert.Equal(("tools[0].kind", 12), (problem.Path, problem.Line));
        Assert.Contains("set spiffe.enabled: true", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void X509_WithSpiffeCa_Loads()
    {
        var tool = Parse(WithRefunds.Replace("scopes: [refunds:read]", "scopes: [refunds:read]\n    kind: x509", StringComparison.Ordinal) + "\nspiffe: { enabled: true }\n").Tools[0];

        Assert.Equal(CredentialKind.X509, tool.Kind);
    }
}
