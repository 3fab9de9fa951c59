using System.Net;
using System.Numerics;
using System.Text.Json;
using Mandate.Server.Endpoints;
using Mandate.Server.Tests.Harness;
using Mandate.Server.Tests.Metadata;
using Microsoft.IdentityModel.Tokens;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Credentials;

/// <summary>
/// The federation issuer's discovery document (OpenID Connect Discovery 1.0) and JWKS (RFC 7517, RFC 7518 §6.3) read
/// as a cloud's STS reads them: members, media types and headers, whatever the request's query or <c>Accept</c>.
/// </summary>
public sealed class FederationDiscoveryTests : BrokerTest
{
    private const string FederationIssuer = Issuer + "/federation";
    private static readonly string[] PrivateMembers = ["d", "p", "q", "dp", "dq", "qi", "oth"];

    [Fact]
    public async Task Discovery_AtIssuerPlusWellKnown_HasEveryRequiredMemberAndTheIssuerItIsFetchedFrom()
    {
        // Discovery §4: the document is at issuer + /.well-known/openid-configuration, 200 with application/json.
        using var response = await Broker.Http.GetAsync(Relative(FederationIssuer + "/.well-known/openid-configuration"));
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var m = doc.RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        // Discovery §4.3: the issuer MUST be identical to the one the discovery URL was built from (and to every iss).
        Assert.Equal(FederationIssuer, m.GetProperty("issuer").GetString());
        var issuer = new Uri(m.GetProperty("issuer").GetString()!);
        // Discovery §3: issuer is a URL with no query or fragment components.
        Assert.Equal(("", ""), (issuer.Query, issuer.Fragment));
        // Discovery §3: jwks_uri REQUIRED; response_types_supported and subject_types_supported REQUIRED.
        Assert.Equal(FederationIssuer + "/jwks", m.GetProperty("jwks_uri").GetString());
        Assert.Equal(["id_token"], MetadataTests.Strings(m.GetProperty("response_types_supported")));
        Assert.Equal(["public"], MetadataTests.Strings(m.GetProperty("subject_types_supported")));
        // Discovery §3: id_token_signing_alg_values_supported REQUIRED; RS256 MUST be included; none only with code-only flows.
        var algorithms = MetadataTests.Strings(m.GetProperty("id_token_signing_alg_values_supported"));
        Assert.Contains("RS256", algorithms);
        Assert.DoesNotContain("none", algorithms);
        Assert.Subset(MetadataTests.Strings(m.GetProperty("claims_supported")).ToHashSet(), new HashSet<string> { "iss", "sub", "aud", "exp", "iat" });
        // No authorization endpoint: the ID token comes from a token exchange, and the STSs read only issuer and jwks_uri (credential-kinds.md).
        Assert.False(m.TryGetProperty("authorization_endpoint", out _));
    }

    [Fact]
    public async Task Jwks_PublishesOnlyPublicRsaSigningKeysOfAtLeast2048Bits()
    {
        using var response = await Broker.Http.GetAsync(Relative(FederationIssuer + "/jwks"));
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // RFC 7517 §8.5: the JWK Set media type.
        Assert.Equal("application/jwk-set+json", response.Content.Headers.ContentType?.MediaType);
        var keys = doc.RootElement.GetProperty("keys").EnumerateArray().ToList();
        Assert.NotEmpty(keys);
        // RFC 7517 §4.5: kid distinguishes the keys of one set.
        Assert.Equal(keys.Count, keys.Select(k => k.GetProperty("kid").GetString()).Distinct(StringComparer.Ordinal).Count());
        foreach (var key in keys)
        {
            Assert.Equal(("RSA", "sig", "RS256"), (key.GetProperty("kty").GetString(), key.GetProperty("use").GetString(), key.GetProperty("alg").GetString()));
            Assert.False(string.IsNullOrEmpty(key.GetProperty("kid").GetString()));
            // RFC 7518 §6.3.2: the private members; none of them in a published set.
            Assert.All(PrivateMembers, name => Assert.False(key.TryGetProperty(name, out _), name));
            var n = Base64UrlUInt(key.GetProperty("n").GetString()!);
            var e = Base64UrlUInt(key.GetProperty("e").GetString()!);
            // RFC 7518 §3.3: a key of size 2048 bits or larger MUST be used with these algorithms.
            Assert.True(new BigInteger(n, isUnsigned: true, isBigEndian: true).GetBitLength() >= 2048);
            Assert.Equal([1, 0, 1], e);
        }
    }

    [Fact]
    public async Task Jwks_CachedAsTheTokenJwksIs_ShorterThanTheKeysPublicationAhead()
    {
        // The next key is published keys.publish_ahead before it signs; a verifier that may cache the set longer can miss it.
        using var token = await Broker.Http.GetAsync(MetadataEndpoints.JwksPath.TrimStart('/'));
        using var federation = await Broker.Http.GetAsync(FederationEndpoints.JwksPath.TrimStart('/'));

        Assert.Equal(HttpStatusCode.OK, federation.StatusCode);
        Assert.Equal(token.Headers.CacheControl?.ToString(), federation.Headers.CacheControl?.ToString());
        Assert.True(federation.Headers.CacheControl?.MaxAge <= Broker.Options.Keys.PublishAheadOrDefault);
    }

    [Fact]
    public async Task Jwks_StoreUnavailableBeforeTheKeyExists_Is503ProblemWithRetryAfter_NoKeyCreated()
    {
        // The first fetch creates the node's federation key; with the store locked it cannot, and a verifier should retry.
        using var response = await Broker.WhileStoreLockedAsync(() => Broker.Http.GetAsync(FederationEndpoints.JwksPath.TrimStart('/')));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(response.Headers.RetryAfter);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("store.unavailable", problem.RootElement.GetProperty("check_id").GetString());
        Assert.DoesNotContain(await Broker.AuditEventsAsync(Mandate.Core.Audit.AuditKinds.KeyRotation), e => e.Evidence.GetValueOrDefault("purpose") == "federation-signing");
    }

    [Theory]
    [InlineData(FederationEndpoints.DiscoveryPath, "federation/.well-known/openid-configuration?x=1", "text/html")]
    [InlineData(FederationEndpoints.DiscoveryPath, "federation/.well-known/openid-configuration/", "application/xml")]
    [InlineData(FederationEndpoints.DiscoveryPath, "Federation/.well-known/OpenID-Configuration", "application/json")]
    [InlineData(FederationEndpoints.JwksPath, "federation/jwks?kid=other", "application/json")]
    [InlineData(FederationEndpoints.JwksPath, "federation/jwks/", "*/*")]
    [InlineData(FederationEndpoints.JwksPath, "FEDERATION/JWKS", "text/plain")]
    public async Task PublicDocument_AnyQueryAcceptTrailingSlashOrCase_AnsweredAsThePlainGet(string path, string variant, string accept)
    {
        // Answered as every public document is: routing ignores case and a trailing slash, the handlers ignore query and Accept.
        using var plain = await Broker.Http.GetAsync(path.TrimStart('/'));
        using var request = new HttpRequestMessage(HttpMethod.Get, variant);
        request.Headers.TryAddWithoutValidation("Accept", accept);

        using var other = await Broker.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.Equal(plain.Content.Headers.ContentType?.MediaType, other.Content.Headers.ContentType?.MediaType);
        Assert.Equal(plain.Headers.CacheControl, other.Headers.CacheControl);
        Assert.Equal(["*"], other.Headers.GetValues("Access-Control-Allow-Origin"));
        Assert.Equal(await plain.Content.ReadAsStringAsync(), await other.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("POST", FederationEndpoints.DiscoveryPath)]
    [InlineData("DELETE", FederationEndpoints.DiscoveryPath)]
    [InlineData("POST", FederationEndpoints.JwksPath)]
    [InlineData("PATCH", FederationEndpoints.JwksPath)]
    public async Task OtherMethod_FederationDocument_Is405ProblemAllowingGetAndHead(string method, string path)
    {
        // RFC 9110 §15.5.6: the origin server MUST generate an Allow header field in a 405 response.
        using var request = new HttpRequestMessage(new HttpMethod(method), path.TrimStart('/')) { Content = new StringContent("{}") };

        using var response = await Broker.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal(["GET", "HEAD"], response.Content.Headers.Allow.Order(StringComparer.Ordinal));
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(405, problem.RootElement.GetProperty("status").GetInt32());
    }

    /// <summary>RFC 7518 §6.3.1.1: base64url without padding, and the minimum octets (no leading zero) for the value.</summary>
    private static byte[] Base64UrlUInt(string value)
    {
        Assert.Matches("^[A-Za-z0-9_-]+$", value);
        var octets = Base64UrlEncoder.DecodeBytes(value);
        Assert.NotEqual(0, octets[0]);
        return octets;
    }

    private static Uri Relative(string url) => new(new Uri(url).PathAndQuery.TrimStart('/'), UriKind.Relative);
}
