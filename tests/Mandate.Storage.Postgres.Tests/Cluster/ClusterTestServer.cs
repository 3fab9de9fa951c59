using System.Security.Cryptography;
using Mandate.Testing;
using Npgsql;
using Xunit;

namespace Mandate.Storage.Postgres.Tests.Cluster;

/// <summary>What the cluster tests do to the test server from the outside: notify, kill sessions, wait.</summary>
internal static class ClusterTestServer
{
    /// <summary>A channel no other test listens or notifies on, so a test hears only its own notifications.</summary>
    public static string PrivateChannel() => "mt_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(6)).ToLowerInvariant();

    /// <summary>Options for a server nobody listens on (a port held, never listening): connecting is refused at once.</summary>
    public static PostgresStoreOptions Unreachable(string password = "unreachable-secret") => new()
    {
        ConnectionString = $"Host=127.0.0.1;Port={LoopbackPort.Refused};Username=mandate;Password={password};Database=mandate",
        Schema = "mandate",
        Node = "node-x",
        ConnectTimeout = TimeSpan.FromSeconds(1),
        StatementTimeout = TimeSpan.FromSeconds(1),
    };

    /// <summary>Commits one NOTIFY on its own connection.</summary>
    public static async Task NotifyAsync(string channel, string payload)
    {
        await using var connection = await OpenAsync();
        await NotifyAsync(connection, channel, payload);
    }

    public static async Task NotifyAsync(NpgsqlConnection connection, string channel, string payload, NpgsqlTransaction? transaction = null)
    {
        await using var command = new NpgsqlCommand("SELECT pg_notify(@channel, @payload)", connection, transaction);
        command.Parameters.AddWithValue("channel", channel);
        command.Parameters.AddWithValue("payload", payload);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Ends a backend's session as an operator (or a failover) would, and waits until it is gone.</summary>
    public static async Task TerminateAsync(int processId)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand("SELECT pg_terminate_backend(@pid, 5000)", connection);
        command.Parameters.AddWithValue("pid", processId);
        Assert.Equal(true, await command.ExecuteScalarAsync());
    }

    public static async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(TestSchema.ServerConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>Polls <paramref name="condition"/> every 5 ms until it holds, failing after <paramref name="timeout"/>.</summary>
    public static Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what) =>
        WaitUntilAsync(() => Task.FromResult(condition()), timeout, what);

    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out after {timeout.TotalSeconds} s waiting for: {what}");
            }

            await Task.Delay(5);
        }
    }

}
