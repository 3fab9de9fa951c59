using System.Net;
using System.Text.Json;
using Mandate.Server.Tests.Harness;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Metadata;

/// <summary>RFC 8414 metadata and the JWKS: what a tool needs to find and verify the broker's tokens.</summary>
public sealed class MetadataTests : BrokerTest
{
    [Fact]
    public async Task Metadata_AuthorizationServer_NamesIssuerEndpointsJwksAndGrantTypes()
    {
        using var response = await Broker.Http.GetAsync(".well-known/oauth-authorization-server");
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var m = doc.RootElement;

        // RFC 8414 §3.2: 200 with a JSON object in application/json; §3.3: issuer identical to the one the URL was made from.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Issuer, m.GetProperty("issuer").GetString());
        Assert.Equal(Issuer + "/oauth2/token", m.GetProperty("token_endpoint").GetString());
        Assert.Equal(Issuer + "/oauth2/introspect", m.GetProperty("introspection_endpoint").GetString());
        Assert.Equal(Issuer + "/oauth2/revoke", m.GetProperty("revocation_endpoint").GetString());
        Assert.Equal(Issuer + "/.well-known/jwks.json", m.GetProperty("jwks_uri").GetString());
        Assert.Equal(["urn:ietf:params:oauth:grant-type:token-exchange", "urn:openid:params:grant-type:ciba"], Strings(m.GetProperty("grant_types_supported")));
        Assert.False(m.TryGetProperty("backchannel_authentication_endpoint", out _), "the CIBA poll's auth_req_id comes from a token exchange, not a backchannel endpoint");
        Assert.Equal(["ES256"], Strings(m.GetProperty("access_token_signing_alg_values_supported")));
        Assert.Equal(["none"], Strings(m.GetProperty("token_endpoint_auth_methods_supported")));
        Assert.False(m.TryGetProperty("token_endpoint_auth_signing_alg_values_supported", out _), "no client assertions, so no algorithms for them (RFC 8414 section 2)");
        Assert.Equal(["crm:read", "crm:write", "refunds:admin", "refunds:read", "refunds:write"], Strings(m.GetProperty("scopes_supported")));
    }

    [Fact]
    public async Task Metadata_OptionalClaimWithZeroElements_IsOmitted_TheRequiredResponseTypesStays()
    {
        // RFC 8414 §3.2: "Claims with zero elements MUST be omitted from the response"; §2 makes response_types_supported
        // REQUIRED, and a server without an authorization endpoint supports none, so that one stays as [].
        using var response = await Broker.Http.GetAsync(".well-known/oauth-authorization-server");
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var empty = doc.RootElement.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Array && p.Value.GetArrayLength() == 0).Select(p => p.Name);
        Assert.Equal(["response_types_supported"], empty);
    }

    [Fact]
    public async Task Jwks_PublishesOnlyPublicEcKeys()
    {
        using var response = await Broker.Http.GetAsync(".well-known/jwks.json");
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal("application/jwk-set+json", response.Content.Headers.ContentType?.MediaType);
        var key = Assert.Single(doc.RootElement.GetProperty("keys").EnumerateArray());
        Assert.Equal("EC", key.GetProperty("kty").GetString());
        Assert.Equal("P-256", key.GetProperty("crv").GetString());
        Assert.Equal("ES256", key.GetProperty("alg").GetString());
        Assert.Equal("sig", key.GetProperty("use").GetString());
        Assert.Equal(Broker.Runtime.Keys.Current.Active.Kid, key.GetProperty("kid").GetString());
        Assert.True(key.TryGetProperty("x", out _) && key.TryGetProperty("y", out _));
        foreach (var privateMember in new[] { "d", "p", "q", "dp", "dq", "qi", "k" })
        {
            Assert.False(key.TryGetProperty(privateMember, out _), $"JWKS key has private member '{privateMember}'");
        }
    }

    internal static List<string> Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];
}
