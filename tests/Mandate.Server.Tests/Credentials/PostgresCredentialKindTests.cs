using Mandate.Testing;
using Mandate.Core.Configuration;
using Mandate.Core.Credentials;
using Mandate.Core.Minting;
using Mandate.Credentials.Postgres;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mandate.Server.Tests.Credentials;

/// <summary>
/// The postgres kind on its own: minting creates the role and returns the URI, evidence and lease without
/// writing anything to Mandate's store (it has none), and the compensating action drops the role.
/// </summary>
public sealed class PostgresCredentialKindTests : IAsyncLifetime
{
    private const string AdminEnv = "ADMIN";
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    private TestPostgres? _pg;

    private TestPostgres Pg => _pg ?? throw new InvalidOperationException("PostgreSQL is not started");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_pg is not null)
        {
            await _pg.DisposeAsync();
        }
    }

    [PostgresFact]
    public async Task MintAsync_CreatesRoleValidUntilExpiry_ReturnsUriEvidenceAndLease()
    {
        await using var connections = new PostgresAdminConnections(name => name == AdminEnv ? TestPostgres.ConnectionString : null);
        var kind = await StartAsync(connections);
        var request = Request(Tool(Pg.Prefix, Pg.Builder.Host!, Pg.Builder.Port, Pg.Builder.Database!, Pg.Sales));

        var result = await kind.MintAsync(request, CancellationToken.None);

        Assert.False(result.Failed(out _, out var minted));
        var role = TestPostgres.RoleOf(minted.Value);
        Assert.StartsWith(Pg.Prefix, role, StringComparison.Ordinal);
        Assert.True(await Pg.RoleExistsAsync(role));
        Assert.Equal((CredentialTokenTypes.PostgresCredentials, "N_A"), (minted.IssuedTokenType, minted.TokenType));
        Assert.Null(minted.Kid);
        Assert.Null(minted.Claims);
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["credential_kind"] = "postgres",
                ["pg_role"] = role,
                ["pg_host"] = Pg.Builder.Host!,
                ["pg_port"] = Pg.Builder.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["pg_database"] = Pg.Builder.Database!,
                ["pg_valid_until"] = request.Claims.ExpiresAt.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
            minted.Evidence);
        var lease = Assert.Single(minted.SideRows.Of<DatabaseLease>());
        Assert.Equal((role, "warehouse", "jti_pg", "run_1", "acme", "alice"), (lease.Role, lease.Tool, lease.Jti, lease.Run, lease.Tenant, lease.User));
        Assert.Equal((request.Claims.IssuedAt, request.Claims.ExpiresAt, DatabaseLeaseState.Active), (lease.IssuedAt, lease.ExpiresAt, lease.State));
        Assert.Empty(minted.SideRows.Of<Mandate.Core.Audit.AuditEvent>());
        Assert.False(kind.IssuableAfterApproval);
        await using var connection = await TestPostgres.ConnectAsync(minted.Value);
    }

    [PostgresFact]
    public async Task Compensate_DropsTheRole()
    {
        await using var connections = new PostgresAdminConnections(name => name == AdminEnv ? TestPostgres.ConnectionString : null);
        var kind = await StartAsync(connections);
        var result = await kind.MintAsync(Request(Tool(Pg.Prefix, Pg.Builder.Host!, Pg.Builder.Port, Pg.Builder.Database!, Pg.Sales)), CancellationToken.None);
        Assert.False(result.Failed(out _, out var minted));
        var compensate = Assert.IsType<Func<CancellationToken, Task>>(minted.Compensate);

        await compensate(CancellationToken.None);

        Assert.False(await Pg.RoleExistsAsync(TestPostgres.RoleOf(minted.Value)));
        Assert.Equal(0, await Pg.RoleCountAsync());
    }

    [Fact]
    public async Task MintAsync_DatabaseUnreachable_RefusesDatabaseUnavailable()
    {
        await using var connections = new PostgresAdminConnections(_ => "Host=127.0.0.1;Port=1;Username=admin;Password=admin-secret-never-shown;Database=nowhere;Timeout=3");
        var kind = new PostgresCredentialKind(connections, NullLogger<PostgresCredentialKind>.Instance);

        var result = await kind.MintAsync(Request(Tool("mdt_", "127.0.0.1", 1, "nowhere", "sales")), CancellationToken.None);

        Assert.True(result.Failed(out var refusal, out _));
        Assert.Equal((CredentialChecks.DatabaseUnavailable.Id, "temporarily_unavailable"), (refusal.CheckId, refusal.Error));
        Assert.Equal("issue.database_unavailable", refusal.CheckId);
        Assert.StartsWith("the database of tool 'warehouse' could not create a login (cannot reach the database", refusal.Description, StringComparison.Ordinal);
        Assert.EndsWith("so no credential was issued; retry shortly, and if it persists an operator should check the tool's postgres settings", refusal.Description, StringComparison.Ordinal);
        Assert.DoesNotContain("admin-secret-never-shown", refusal.Description + refusal.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MintAsync_AdminConnectionNotSet_RefusesDatabaseUnavailable()
    {
        await using var connections = new PostgresAdminConnections(_ => null);
        var kind = new PostgresCredentialKind(connections, NullLogger<PostgresCredentialKind>.Instance);

        var result = await kind.MintAsync(Request(Tool("mdt_", "127.0.0.1", 1, "nowhere", "sales")), CancellationToken.None);

        Assert.True(result.Failed(out var refusal, out _));
        Assert.Equal(("issue.database_unavailable", "temporarily_unavailable"), (refusal.CheckId, refusal.Error));
        Assert.Contains("the admin connection of tool 'warehouse' cannot be read from environment variable ADMIN", refusal.Description, StringComparison.Ordinal);
    }

    private async Task<PostgresCredentialKind> StartAsync(PostgresAdminConnections connections)
    {
        _pg = await TestPostgres.CreateAsync();
        return new PostgresCredentialKind(connections, NullLogger<PostgresCredentialKind>.Instance);
    }

    private static ToolOptions Tool(string prefix, string host, int port, string database, string sales) => new()
    {
        Name = "warehouse",
        Resource = "https://warehouse.example",
        Scopes = ["warehouse:read"],
        Kind = CredentialKind.Postgres,
        Postgres = new PostgresToolOptions
        {
            AdminConnection = ConfiguredSecret.FromEnvironment("tools[0].postgres.admin_connection", AdminEnv),
            Host = host,
            Port = port,
            Database = database,
            RolePrefix = prefix,
            Grants = new Dictionary<string, IReadOnlyList<string>> { ["warehouse:read"] = [$"GRANT USAGE ON SCHEMA {sales} TO {{role}}"] },
        },
    };

    private static CredentialRequest Request(ToolOptions tool) => new(
        new CredentialClaims
        {
            Jti = "jti_pg",
            Subject = "alice",
            Audience = tool.Resource,
            Agent = "spiffe://acme.example/agents/support",
            Actors = ["spiffe://acme.example/agents/support"],
            Scopes = ["warehouse:read"],
            Tenant = "acme",
            Run = "run_1",
            PolicyVersion = "pv1",
            DecisionId = "dec_1",
            IssuedAt = Now,
            ExpiresAt = Now + TimeSpan.FromMinutes(5),
        },
        tool)
    { User = "alice" };
}
