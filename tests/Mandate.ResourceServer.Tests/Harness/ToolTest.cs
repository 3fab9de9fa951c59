using Mandate.Examples.Tools;

namespace Mandate.ResourceServer.Tests.Harness;

/// <summary>A fresh broker and a fresh refunds service per test: no test sees another's keys, caches or clock.</summary>
public abstract class ToolTest : IAsyncLifetime
{
    private ToolHarness? _harness;
    private ToolClient? _refunds;

    protected ToolHarness Harness => _harness ?? throw new InvalidOperationException("not started");

    /// <summary>The refunds service, started with <see cref="ConfigureRefunds"/>.</summary>
    protected ToolClient Refunds => _refunds ?? throw new InvalidOperationException("not started");

    protected const string RefundBody = """{"order":"o-1001","amount":25.5,"currency":"EUR"}""";

    protected virtual void ConfigureRefunds(MandateTokenOptions options)
    {
    }

    /// <summary>YAML appended to the broker's configuration (e.g. <see cref="ToolHarness.WorkloadEndpointConfiguration"/>).</summary>
    protected virtual string ExtraBrokerConfiguration => "";

    /// <summary>The broker's configuration before <see cref="ExtraBrokerConfiguration"/>.</summary>
    protected virtual string BrokerConfiguration => ToolBroker.Configuration;

    public async Task InitializeAsync()
    {
        _harness = await ToolHarness.StartAsync(ExtraBrokerConfiguration, BrokerConfiguration);
        _refunds = await _harness.StartToolAsync(ToolKind.Refunds, ConfigureRefunds);
    }

    public async Task DisposeAsync()
    {
        if (_harness is not null)
        {
            await _harness.DisposeAsync();
        }
    }
}
