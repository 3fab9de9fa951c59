using Mandate.Server.Tests.Harness;

namespace Mandate.Server.Tests.Spiffe;

/// <summary>A fresh broker per test with Mandate's SPIFFE issuer and workload endpoint on; the socket folder is 0755 so other uids can reach it.</summary>
public abstract class SpiffeBrokerTest : IAsyncLifetime
{
    public const string SpiffeConfiguration = """
        spiffe:
          enabled: true
          workload_socket: workload.sock
          x509_svid_ttl: 1h
          jwt_svid_ttl: 5m
        """;

    private BrokerHarness? _broker;

    protected BrokerHarness Broker => _broker ?? throw new InvalidOperationException("the broker is not started");

    protected string WorkloadSocket => Broker.Options.Spiffe.WorkloadSocket;

    public async Task InitializeAsync()
    {
        _broker = await BrokerHarness.StartAsync(TestBroker.Policy, extraConfiguration: SpiffeConfiguration);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(_broker.Directory, (UnixFileMode)0b111_101_101);
        }
    }

    public async Task DisposeAsync()
    {
        if (_broker is not null)
        {
            await _broker.DisposeAsync();
        }
    }
}
