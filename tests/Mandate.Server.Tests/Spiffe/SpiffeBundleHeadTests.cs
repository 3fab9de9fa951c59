using System.Net;

namespace Mandate.Server.Tests.Spiffe;

/// <summary>RFC 9110 §9.1: the SPIFFE bundle endpoint answers HEAD as it answers GET, without the body; any origin may read it.</summary>
public sealed class SpiffeBundleHeadTests : SpiffeBrokerTest
{
    [Fact]
    public async Task Head_SpiffeBundle_SameStatusAndTypeAsGetWithoutBody()
    {
        using var get = await Broker.Http.GetAsync(".well-known/spiffe-bundle");
        using var head = await Broker.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, ".well-known/spiffe-bundle"));

        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(get.Content.Headers.ContentType?.MediaType, head.Content.Headers.ContentType?.MediaType);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Delete_SpiffeBundle_Returns405AllowingGetAndHead()
    {
        using var delete = await Broker.Http.DeleteAsync(".well-known/spiffe-bundle");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, delete.StatusCode);
        Assert.Contains("GET", delete.Content.Headers.Allow);
        Assert.Contains("HEAD", delete.Content.Headers.Allow);
    }

    [Fact]
    public async Task Get_SpiffeBundleFromAnotherOrigin_ReadableByAnyOriginWithoutCredentials()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, ".well-known/spiffe-bundle");
        request.Headers.Add("Origin", "https://inspector.example");

        using var response = await Broker.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["*"], response.Headers.GetValues("Access-Control-Allow-Origin"));
        Assert.False(response.Headers.Contains("Access-Control-Allow-Credentials"));
    }
}
