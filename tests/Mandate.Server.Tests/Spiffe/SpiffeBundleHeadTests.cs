using System.Net;

namespace Mandate.Server.Tests.Spiffe;

/// <summary>RFC 9110 §9.1: the SPIFFE bundle endpoint answers HEAD as it answers GET, without the body.</summary>
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
}
