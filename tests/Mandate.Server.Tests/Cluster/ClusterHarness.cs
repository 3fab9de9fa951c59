using System.Security.Cryptography;
using Mandate.Server.Tests.Harness;
using Mandate.Testing;
using Npgsql;

namespace Mandate.Server.Tests.Cluster;

/// <summary>
/// Several real broker nodes on loopback sharing one PostgreSQL store (a private schema on MANDATE_TEST_PG),
/// one folder (policy, key-encryption key, development issuers) and one clock, each with its own node name,
/// admin socket and listener, as nodes behind a load balancer are. The nodes reach PostgreSQL through a
/// <see cref="TcpRelay"/> the test can cut. Dispose stops the nodes and drops the schema.
/// </summary>
public sealed class ClusterHarness : IAsyncDisposable
{
    private readonly string _directory;
    private readonly List<BrokerHarness> _nodes = [];
    private readonly List<BrokerHarness> _stopped = [];

    private ClusterHarness(string directory, string schema, TcpRelay relay, ManualTimeProvider clock)
    {
        _directory = directory;
        Schema = schema;
        Relay = relay;
        Clock = clock;
    }

    public string Schema { get; }
    public TcpRelay Relay { get; }
    public ManualTimeProvider Clock { get; }
    public IReadOnlyList<BrokerHarness> Nodes => _nodes;
    public BrokerHarness A => _nodes[0];
    public BrokerHarness B => _nodes[1];
    public BrokerHarness C => _nodes[2];

    /// <param name="nodes">How many nodes (named node-a, node-b, …).</param>
    /// <param name="policy">policy.yaml.</param>
    /// <param name="configuration">mandate.yaml before the node and store lines; default <see cref="TestBroker.Configuration"/>.</param>
    public static async Task<ClusterHarness> StartAsync(int nodes = 3, string policy = TestBroker.Policy, string configuration = TestBroker.Configuration)
    {
        var server = new NpgsqlConnectionStringBuilder(TestPostgresServer.ConnectionString);
        var relay = new TcpRelay(server.Host ?? "127.0.0.1", server.Port);
        var directory = Path.Combine(Path.GetTempPath(), "mdc-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(directory);
        var schema = "mc" + Convert.ToHexString(RandomNumberGenerator.GetBytes(5)).ToLowerInvariant();
        var cluster = new ClusterHarness(directory, schema, relay, new ManualTimeProvider());
        try
        {
            await File.WriteAllTextAsync(Path.Combine(directory, "policy.yaml"), policy);
            var throughRelay = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Host = "127.0.0.1", Port = relay.Port };
            await File.WriteAllTextAsync(Path.Combine(directory, "pg.conn"), throughRelay.ConnectionString);
            // Every node must be given the same key-encryption key; a node on a shared store never makes its own.
            await File.WriteAllTextAsync(Path.Combine(directory, "kek"), Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(Path.Combine(directory, "pg.conn"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
                File.SetUnixFileMode(Path.Combine(directory, "kek"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            // One at a time: the first node creates the schema, the key-encryption key and the issuers' keys.
            for (var i = 0; i < nodes; i++)
            {
                var name = "node-" + (char)('a' + i);
                if (i > 0)
                {
                    // Each node has its own data folder (a broker locks its own); the development issuers are shared.
                    CopyFolder(Path.Combine(directory, "node-a", "dev-issuers"), Path.Combine(directory, name, "dev-issuers"));
                }

                var yaml = configuration
                    .Replace("node: node-a", "node: " + name, StringComparison.Ordinal)
                    .Replace("data_dir: .", "data_dir: " + name, StringComparison.Ordinal)
                    .Replace("keys: { rotate_every: 10m }", "keys: { rotate_every: 10m, kek_file: kek }", StringComparison.Ordinal)
                    .Replace("admin_socket: admin.sock", $"admin_socket: admin-{(char)('a' + i)}.sock", StringComparison.Ordinal)
                    + $"\nstore: postgres\npostgres: {{ connection_string_file: pg.conn, schema: {schema} }}\n";
                cluster._nodes.Add(await BrokerHarness.StartNodeAsync(directory, $"mandate-{name}.yaml", yaml, cluster.Clock));
            }

            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }

    /// <summary>Stops <paramref name="node"/> as a dead node stops: its sessions end, so its cluster locks pass on.</summary>
    public async Task StopAsync(BrokerHarness node)
    {
        _nodes.Remove(node);
        _stopped.Add(node);
        await node.StopAsync();
    }

    /// <summary>
    /// How long a test waits for a change made on one node to act on the others: a bound for a loaded machine, not the
    /// propagation target (PostgresNodeTests and the change feed's latency tests measure that).
    /// </summary>
    public static readonly TimeSpan Propagation = TimeSpan.FromSeconds(10);

    /// <summary>Polls <paramref name="condition"/> every 5 ms until it holds or <paramref name="timeout"/> passes; returns how long it took.</summary>
    public static async Task<TimeSpan> EventuallyAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            if (started.Elapsed > timeout)
            {
                throw new Xunit.Sdk.XunitException($"{what}: not within {timeout.TotalMilliseconds} ms");
            }

            await Task.Delay(5);
        }

        return started.Elapsed;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes.Concat(_stopped))
        {
            await node.DisposeAsync();
        }

        await Relay.DisposeAsync();
        await using (var connection = new NpgsqlConnection(TestPostgresServer.ConnectionString))
        {
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{Schema}\" CASCADE", connection);
            await drop.ExecuteNonQueryAsync();
        }

        Directory.Delete(_directory, recursive: true);
    }
}
