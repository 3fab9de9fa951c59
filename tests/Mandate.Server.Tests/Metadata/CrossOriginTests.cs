using System.Net;
using Mandate.Server.Endpoints;
using Mandate.Server.Tests.Harness;

namespace Mandate.Server.Tests.Metadata;

/// <summary>
/// Fetch §3.2: the public documents (metadata, key sets; the trust bundle in <c>SpiffeBundleHeadTests</c>) may be read by a web page of any origin, without
/// credentials, so browser-based clients can discover; the OAuth endpoints are never opened to another origin.
/// </summary>
public sealed class CrossOriginTests : BrokerTest
{
    private const string Origin = "https://inspector.example";

    [Theory]
    [InlineData(MetadataEndpoints.MetadataPath)]
    [InlineData(MetadataEndpoints.JwksPath)]
    [InlineData(FederationEndpoints.DiscoveryPath)]
    [InlineData(FederationEndpoints.JwksPath)]
    [InlineData(AuditJwksEndpoint.Path)]
    public async Task PublicDocument_FromAnotherOrigin_ReadableByAnyOriginWithoutCredentials(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path.TrimStart('/'));
        request.Headers.Add("Origin", Origin);

        using var response = await Broker.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["*"], response.Headers.GetValues("Access-Control-Allow-Origin"));
        Assert.False(response.Headers.Contains("Access-Control-Allow-Credentials"));
    }

    [Theory]
    [InlineData(TokenEndpoint.Path)]
    [InlineData(IntrospectionEndpoint.Path)]
    [InlineData(RevocationEndpoint.Path)]
    public async Task OAuthEndpoint_FromAnotherOrigin_IsNotOpenedToIt(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path.TrimStart('/')) { Content = new FormUrlEncodedContent([]) };
        request.Headers.Add("Origin", Origin);

        using var response = await Broker.Http.SendAsync(request);

        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized, response.StatusCode.ToString());
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }
}
