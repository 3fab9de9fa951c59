using System.Net;
using Mandate.Server.Tests.Harness;

namespace Mandate.Server.Tests.Metadata;

/// <summary>RFC 9110 §9.1: what answers GET answers HEAD, with the same status and headers and no body.</summary>
public sealed class HeadRequestTests : BrokerTest
{
    [Theory]
    [InlineData(".well-known/oauth-authorization-server")]
    [InlineData(".well-known/jwks.json")]
    [InlineData("audit/jwks")]
    [InlineData("federation/.well-known/openid-configuration")]
    [InlineData("federation/jwks")]
    [InlineData("healthz")]
    public async Task Head_PublicDocument_SameStatusAndTypeAsGetWithoutBody(string path)
    {
        using var get = await Broker.Http.GetAsync(path);
        using var head = await Broker.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, path));

        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(get.Content.Headers.ContentType?.MediaType, head.Content.Headers.ContentType?.MediaType);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData(".well-known/oauth-authorization-server")]
    [InlineData("audit/jwks")]
    [InlineData("federation/.well-known/openid-configuration")]
    [InlineData("federation/jwks")]
    public async Task Put_PublicDocument_Returns405AllowingGetAndHead(string path)
    {
        using var put = await Broker.Http.PutAsync(path, new StringContent(""));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, put.StatusCode);
        var allowed = put.Content.Headers.Allow;
        Assert.Contains("GET", allowed);
        Assert.Contains("HEAD", allowed);
    }
}
