using Mandate.Examples.Mcp.Tests.Harness;
using Mandate.Testing;
using static Mandate.Testing.ClientAnswer;

namespace Mandate.Examples.Mcp.Tests;

/// <summary>
/// oauth4webapi 3.8.9 as a client of the example MCP server: its RFC 9728 discovery accepts the server's metadata (the
/// resource identifier must match exactly), an initialize with a credential for the server is answered, and the RFC 6750
/// and RFC 9449 challenges of a call with a credential for another server are ones it parses.
/// </summary>
public sealed class OAuth4WebApiResourceTests : McpTest
{
    [Fact]
    public async Task Oauth4webapi_DiscoversTheServersMetadata()
    {
        var answer = await OAuth4WebApiClient.RunAsync(new { op = "resource", resource = Harness.Resource });

        AssertOk(answer);
        var metadata = answer.GetProperty("metadata");
        Assert.Equal(Harness.Resource, Text(metadata, "resource"));
        Assert.Equal([Harness.Issuer], metadata.GetProperty("authorization_servers").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task Oauth4webapi_CallWithACredentialForTheServer_IsAnswered()
    {
        var credential = await Harness.CredentialAsync("orders:read");

        var answer = await OAuth4WebApiClient.RunAsync(new { op = "call", resource = Harness.Resource, token = credential });

        AssertOk(answer);
        Assert.Equal("200", Text(answer, "status"));
    }

    [Fact]
    public async Task Oauth4webapi_CallWithACredentialForAnotherServer_IsAChallengeItParses()
    {
        var credential = await Harness.CredentialAsync("other:read", resource: McpBroker.OtherResource);

        var answer = await OAuth4WebApiClient.RunAsync(new { op = "call", resource = Harness.Resource, token = credential });

        Assert.Equal(("WWWAuthenticateChallengeError", "401"), (Text(answer, "kind"), Text(answer, "status")));
        // Bearer, then DPoP for clients that bind their credentials: both name the error and where the metadata is.
        var challenges = answer.GetProperty("challenges").EnumerateArray().ToList();
        Assert.Equal(["bearer", "dpop"], challenges.Select(c => Text(c, "scheme")));
        Assert.All(challenges, c => Assert.Equal("invalid_token", Text(c.GetProperty("parameters"), "error")));
        Assert.All(challenges, c => Assert.EndsWith("/.well-known/oauth-protected-resource/mcp", Text(c.GetProperty("parameters"), "resource_metadata"), StringComparison.Ordinal));
    }
}
