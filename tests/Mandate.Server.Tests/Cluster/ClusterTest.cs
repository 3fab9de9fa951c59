using Mandate.Testing;

namespace Mandate.Server.Tests.Cluster;

/// <summary>
/// A cluster per test, started only where PostgreSQL is available (else each <see cref="PostgresFactAttribute"/> test
/// skips, and under CI fails) and stopped after it.
/// </summary>
public abstract class ClusterTest : IAsyncLifetime
{
    private ClusterHarness? _cluster;

    protected ClusterHarness Cluster => _cluster ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync()
    {
        if (TestPostgresServer.ConnectionStringOrNull is not null || TestPostgresServer.InCi)
        {
            _cluster = await StartClusterAsync();
        }
    }

    public virtual async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    /// <summary>Starts this class's cluster: its nodes, policy and configuration.</summary>
    protected abstract Task<ClusterHarness> StartClusterAsync();
}
