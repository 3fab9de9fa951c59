using System.Net;
using System.Text.Json;
using Mandate.Server.Tests.Harness;

namespace Mandate.Server.Tests.Metadata;

/// <summary>
/// RFC 8414 §3.1: for an issuer with a path, clients insert the well-known segment between the host and that path,
/// so the metadata must answer there as well as at the root path.
/// </summary>
public sealed class IssuerPathMetadataTests
{
    private const string PathIssuer = TestBroker.Issuer + "/mandate";

    [Theory]
    [InlineData(".well-known/oauth-authorization-server/mandate")]
    [InlineData(".well-known/oauth-authorization-server")]
    public async Task Metadata_IssuerWithAPath_ServedWhereRfc8414PlacesIt(string path)
    {
        await using var broker = await StartAtPathIssuerAsync();

        using var response = await broker.Http.GetAsync(path);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(PathIssuer, doc.RootElement.GetProperty("issuer").GetString());
        Assert.Equal(PathIssuer + "/oauth2/token", doc.RootElement.GetProperty("token_endpoint").GetString());
    }

    [Theory]
    [InlineData(".well-known/oauth-authorization-server/other")]
    [InlineData(".well-known/oauth-authorization-server/mandate/more")]
    public async Task Metadata_PathOfAnotherIssuer_IsNotFound(string path)
    {
        await using var broker = await StartAtPathIssuerAsync();

        using var response = await broker.Http.GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Metadata_IssuerWithoutAPath_OnlyAtTheRoot()
    {
        await using var broker = await BrokerHarness.StartAsync();

        using var nested = await broker.Http.GetAsync(".well-known/oauth-authorization-server/mandate");

        Assert.Equal(HttpStatusCode.NotFound, nested.StatusCode);
    }

    private static Task<BrokerHarness> StartAtPathIssuerAsync() =>
        BrokerHarness.StartAsync(configuration: TestBroker.Configuration.Replace(
            "issuer: " + TestBroker.Issuer + "\n", "issuer: " + PathIssuer + "\n", StringComparison.Ordinal));
}
