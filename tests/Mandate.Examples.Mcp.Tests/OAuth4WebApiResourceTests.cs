using Mandate.Examples.Mcp.Tests.Harness;
using Mandate.Testing;
using static Mandate.Testing.ClientAnswer;

namespace Mandate.Examples.Mcp.Tests;

/// <summary>
/// oauth4webapi 3.8.9 as a client of the example MCP server: its RFC 9728 discovery accepts the server's metadata (the
/// resource identifier must match exactly), an initialize with a credential for the server is answered (as a Bearer
/// token, or DPoP-bound and proved with the client's own key), and the RFC 6750 and RFC 9449 challenges of a call the
/// server refuses are ones it parses. The clock starts at real time: the client's DPoP proofs carry it.
/// </summary>
public sealed class OAuth4WebApiResourceTests : McpTest
{
    protected override DateTimeOffset? ClockStart => DateTimeOffset.UtcNow;

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

    [Fact]
    public async Task Oauth4webapi_DpopBoundCredentialProvedOnTheCall_IsAnswered()
    {
        var answer = await OAuth4WebApiClient.RunAsync(DpopCall(present: "dpop"));

        AssertOk(answer);
        Assert.Equal(("200", "dpop"), (Text(answer, "status"), Text(answer, "token_type")?.ToLowerInvariant()));
    }

    [Fact]
    public async Task Oauth4webapi_DpopBoundCredentialSentAsBearer_IsRefusedWithChallengesItParses()
    {
        var answer = await OAuth4WebApiClient.RunAsync(DpopCall(present: "bearer"));

        // RFC 9449 §7.1: a bound credential without its proof is not accepted as a Bearer token.
        Assert.Equal(("WWWAuthenticateChallengeError", "401"), (Text(answer, "kind"), Text(answer, "status")));
        var challenges = answer.GetProperty("challenges").EnumerateArray().ToList();
        Assert.Contains("dpop", challenges.Select(c => Text(c, "scheme")));
        Assert.All(challenges, c => Assert.Equal("invalid_token", Text(c.GetProperty("parameters"), "error")));
    }

    // alice's support agent exchanges for orders:read at the server with a DPoP key of the client's, then calls it.
    private object DpopCall(string present) => new
    {
        op = "call",
        issuer = Harness.Issuer,
        clientId = McpBroker.SupportAgent,
        dpop = true,
        present,
        resource = Harness.Resource,
        @params = new Dictionary<string, string>
        {
            ["subject_token"] = Harness.UserToken(),
            ["subject_token_type"] = "urn:ietf:params:oauth:token-type:jwt",
            ["actor_token"] = Harness.Svid(McpBroker.SupportAgent),
            ["actor_token_type"] = "urn:ietf:params:oauth:token-type:jwt",
            ["resource"] = Harness.Resource,
            ["scope"] = "orders:read",
        },
    };
}
