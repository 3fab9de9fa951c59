using System.Net;
using System.Text.Json;
using Mandate.Core.Keys;
using Mandate.Core.Spiffe;
using Mandate.Server.Tests.Harness;

namespace Mandate.Server.Tests.Spiffe;

/// <summary>With <c>spiffe.enabled</c> unset (the default) there is no CA, no bundle, no workload socket.</summary>
public sealed class SpiffeDisabledTests : BrokerTest
{
    [Fact]
    public async Task Broker_SpiffeOff_ServesNoBundleNoWorkloadSocketAndCreatesNoCa()
    {
        using var bundle = await Broker.Http.GetAsync(".well-known/spiffe-bundle");
        using var metadata = JsonDocument.Parse(await Broker.Http.GetStringAsync(".well-known/oauth-authorization-server"));

        Assert.Equal(HttpStatusCode.NotFound, bundle.StatusCode);
        Assert.False(metadata.RootElement.TryGetProperty("spiffe_bundle_endpoint", out _));
        Assert.False(File.Exists(Broker.Options.Spiffe.WorkloadSocket));
        Assert.Null(Broker.Runtime.Spiffe);
        Assert.Empty(await Broker.Runtime.Store.ListKeysAsync(KeyPurposes.SpiffeCa, CancellationToken.None));
    }
}
