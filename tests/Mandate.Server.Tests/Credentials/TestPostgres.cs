using System.Security.Cryptography;
using Mandate.Testing;
using Npgsql;

namespace Mandate.Server.Tests.Credentials;

/// <summary>
/// The test PostgreSQL server (MANDATE_TEST_PG) and a private corner of it per test: two schemas,
/// <c>sales</c> (what warehouse:read grants) and <c>hr</c> (what nothing grants), under a random prefix
/// that also prefixes the roles Mandate creates, so tests never see each other's objects.
/// </summary>
public sealed class TestPostgres : IAsyncDisposable
{
    private readonly NpgsqlDataSource _admin;

    private TestPostgres(NpgsqlDataSource admin, string prefix, NpgsqlConnectionStringBuilder builder)
    {
        _admin = admin;
        Prefix = prefix;
        Builder = builder;
    }

    public static string? ConnectionStringOrNull => TestPostgresServer.ConnectionStringOrNull;

    public static bool InCi => TestPostgresServer.InCi;

    public static string ConnectionString => TestPostgresServer.ConnectionString;

    /// <summary>Role prefix and schema prefix of this test, e.g. <c>ck3f9a1c_</c>.</summary>
    public string Prefix { get; }

    public string Sales => Prefix + "sales";
    public string Hr => Prefix + "hr";
    public NpgsqlConnectionStringBuilder Builder { get; }

    public static async Task<TestPostgres> CreateAsync()
    {
        var builder = new NpgsqlConnectionStringBuilder(ConnectionString);
        var prefix = "ck" + Convert.ToHexString(RandomNumberGenerator.GetBytes(3)).ToLowerInvariant() + "_";
        var pg = new TestPostgres(NpgsqlDataSource.Create(builder), prefix, builder);
        await pg.ExecuteAsync($"""
            CREATE SCHEMA {pg.Sales};
            CREATE TABLE {pg.Sales}.orders (id int PRIMARY KEY, amount int NOT NULL);
            INSERT INTO {pg.Sales}.orders VALUES (1, 100), (2, 250);
            CREATE SCHEMA {pg.Hr};
            CREATE TABLE {pg.Hr}.salaries (id int PRIMARY KEY, amount int NOT NULL);
            INSERT INTO {pg.Hr}.salaries VALUES (1, 90000);
            """);
        return pg;
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var command = _admin.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    public async Task<object?> ScalarAsync(string sql, params object[] parameters)
    {
        await using var command = _admin.CreateCommand(sql);
        foreach (var p in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = p });
        }

        return await command.ExecuteScalarAsync();
    }

    public async Task<bool> RoleExistsAsync(string role) => await ScalarAsync("SELECT 1 FROM pg_roles WHERE rolname = $1", role) is not null;

    /// <summary>Roles this test's broker created (by prefix).</summary>
    public async Task<long> RoleCountAsync() => (long)(await ScalarAsync("SELECT count(*) FROM pg_roles WHERE starts_with(rolname, $1)", Prefix))!;

    /// <summary>Opens a connection as the agent would, from the libpq URI the broker handed out.</summary>
    public static async Task<NpgsqlConnection> ConnectAsync(string uri)
    {
        var u = new Uri(uri);
        var userInfo = u.UserInfo.Split(':', 2);
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = u.Host,
            Port = u.Port,
            Database = Uri.UnescapeDataString(u.AbsolutePath.TrimStart('/')),
            Username = userInfo[0],
            Password = userInfo[1],
            Pooling = false,
            Timeout = 10,
        };
        var connection = new NpgsqlConnection(builder.ToString());
        await connection.OpenAsync();
        return connection;
    }

    public static string RoleOf(string uri) => new Uri(uri).UserInfo.Split(':', 2)[0];

    public static string PasswordOf(string uri) => new Uri(uri).UserInfo.Split(':', 2)[1];

    public async ValueTask DisposeAsync()
    {
        try
        {
            // Roles a failed test left behind, then the schemas.
            await using (var command = _admin.CreateCommand("SELECT rolname FROM pg_roles WHERE starts_with(rolname, $1)"))
            {
                command.Parameters.Add(new NpgsqlParameter { Value = Prefix });
                var roles = new List<string>();
                await using (var reader = await command.ExecuteReaderAsync())
                {
                    while (await reader.ReadAsync())
                    {
                        roles.Add(reader.GetString(0));
                    }
                }

                foreach (var role in roles)
                {
                    await ExecuteAsync($"DROP OWNED BY \"{role}\"; DROP ROLE \"{role}\"");
                }
            }

            await ExecuteAsync($"DROP SCHEMA IF EXISTS {Sales} CASCADE; DROP SCHEMA IF EXISTS {Hr} CASCADE");
        }
        finally
        {
            await _admin.DisposeAsync();
        }
    }
}
