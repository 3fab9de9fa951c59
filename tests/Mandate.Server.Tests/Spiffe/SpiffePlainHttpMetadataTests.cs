using System.Text.Json;

namespace Mandate.Server.Tests.Spiffe;

/// <summary>
/// RFC 8414 §2 / RFC 8705: metadata advertises mutual-TLS client authentication only where a client can present a
/// certificate. With the SPIFFE CA on but no TLS listener, the broker speaks plain HTTP: no tls_client_auth.
/// </summary>
public sealed class SpiffePlainHttpMetadataTests : SpiffeBrokerTest
{
    [Fact]
    public async Task Metadata_SpiffeOnWithoutTlsListener_AdvertisesNoMutualTls()
    {
        using var response = await Broker.Http.GetAsync(".well-known/oauth-authorization-server");
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var metadata = document.RootElement;

        Assert.Equal(["none"], metadata.GetProperty("token_endpoint_auth_methods_supported").EnumerateArray().Select(e => e.GetString()));
        Assert.False(metadata.GetProperty("tls_client_certificate_bound_access_tokens").GetBoolean());
        Assert.True(metadata.TryGetProperty("spiffe_bundle_endpoint", out _));
    }
}
