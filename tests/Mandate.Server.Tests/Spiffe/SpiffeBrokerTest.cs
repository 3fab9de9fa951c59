using System.Net;
using System.Text.Json;
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

    /// <summary>What the broker is started with beside the test policy: the SPIFFE issuer, and anything a test class adds.</summary>
    protected virtual string Configuration => SpiffeConfiguration;

    public async Task InitializeAsync()
    {
        _broker = await BrokerHarness.StartAsync(TestBroker.Policy, extraConfiguration: Configuration);
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

    /// <summary>Registers the test process itself (by its uid) as <paramref name="spiffeId"/>.</summary>
    protected async Task RegisterThisProcessAsync(string spiffeId)
    {
        var uid = await ChildProcess.CurrentUidAsync();
        using var admin = Broker.Admin();
        await admin.CreateEntryAsync(spiffeId, [$"unix:uid:{uid}"], null, null);
    }

    /// <summary>Asserts a Problem Details answer with <paramref name="status"/> and <paramref name="checkId"/>; returns its detail.</summary>
    protected static async Task<string> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string checkId)
    {
        ArgumentNullException.ThrowIfNull(response);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, body);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(body);
        Assert.Equal(checkId, json.RootElement.GetProperty("check_id").GetString());
        return json.RootElement.GetProperty("detail").GetString()!;
    }
}
