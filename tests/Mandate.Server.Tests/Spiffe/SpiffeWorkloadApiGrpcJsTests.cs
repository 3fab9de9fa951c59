using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Google.Protobuf;
using Mandate.Core.Spiffe;
using Mandate.Server.Tests.Harness;
using Mandate.Testing;

namespace Mandate.Server.Tests.Spiffe;

/// <summary>
/// The SPIFFE Workload API from a client that shares no code with the broker: @grpc/grpc-js (Node's own gRPC
/// implementation) with the SPIFFE specification's proto, finding the endpoint through SPIFFE_ENDPOINT_SOCKET
/// (tests/spiffe-clients/grpc-js/client.mjs). Node is the attested process, so the entry names its uid.
/// </summary>
public sealed class SpiffeWorkloadApiGrpcJsTests : SpiffeBrokerTest
{
    private const string Agent = TestBroker.SupportAgent;
    private static readonly string[] Refunds = ["https://refunds.acme.example"];

    [Fact]
    public async Task GrpcJs_FetchX509Svid_GetsAnSvidAndKeyForItsEntry()
    {
        await RegisterThisProcessAsync(Agent);

        var answer = await RunAsync(new { op = "x509" });

        var svid = answer.GetProperty("svids").EnumerateArray().Single();
        Assert.Equal(Agent, svid.GetProperty("spiffeId").GetString());
        using var leaf = Assert.Single(SpiffeEndpointClient.Certificates(ByteString.FromBase64(svid.GetProperty("chain").GetString()!)));
        Assert.Equal(Agent, SpiffeCertificates.SpiffeIdOf(leaf));
        using var key = ECDsa.Create();
        key.ImportPkcs8PrivateKey(Convert.FromBase64String(svid.GetProperty("key").GetString()!), out _);
        using var certified = leaf.GetECDsaPublicKey()!;
        Assert.True(certified.VerifyData("proof"u8, key.SignData("proof"u8, HashAlgorithmName.SHA256), HashAlgorithmName.SHA256));
        Assert.Equal("issued", Assert.Single(await Broker.AuditEventsAsync(SpiffeAuditKinds.Svid)).Outcome);
    }

    [Fact]
    public async Task GrpcJs_FetchJwtSvidThenValidateIt_RoundTripsTheSpiffeIdAndClaims()
    {
        await RegisterThisProcessAsync(Agent);

        var fetched = await RunAsync(new { op = "jwt", audience = Refunds });
        var token = fetched.GetProperty("svids")[0].GetProperty("svid").GetString();
        var validated = await RunAsync(new { op = "validate", audience = "https://refunds.acme.example", svid = token });
        var bundles = await RunAsync(new { op = "jwtBundles" });

        Assert.Equal(Agent, validated.GetProperty("spiffeId").GetString());
        Assert.Equal(Agent, validated.GetProperty("claims").GetProperty("sub").GetString());
        var jwks = bundles.GetProperty("bundles").GetProperty("spiffe://" + TestBroker.TrustDomain).GetString()!;
        Assert.All(JsonDocument.Parse(jwks).RootElement.GetProperty("keys").EnumerateArray(), k => Assert.Equal(SpiffeBundle.JwtUse, k.GetProperty("use").GetString()));
    }

    [Fact]
    public async Task Invariant7_GrpcJs_WithoutTheSecurityHeader_IsInvalidArgumentAndIssuesNothing()
    {
        await RegisterThisProcessAsync(Agent);

        var refused = await RunAsync(new { op = "jwt", audience = Refunds, header = false }, expectOk: false);

        // gRPC status 3 is INVALID_ARGUMENT.
        Assert.Equal((false, 3), (refused.GetProperty("ok").GetBoolean(), refused.GetProperty("code").GetInt32()));
        Assert.Empty(await Broker.AuditEventsAsync(SpiffeAuditKinds.Svid));
    }

    private async Task<JsonElement> RunAsync(object command, bool expectOk = true)
    {
        var folder = NodeProjects.Installed(Path.Combine("tests", "spiffe-clients", "grpc-js"), Path.Combine("@grpc", "grpc-js"));
        var answer = await NodeScript.RunAsync(folder, command, new Dictionary<string, string>
        {
            ["SPIFFE_ENDPOINT_SOCKET"] = "unix://" + Path.GetFullPath(Broker.Options.Spiffe.EndpointSocket),
        });
        Assert.True(!expectOk || answer.GetProperty("ok").GetBoolean(), answer.ToString());

        return answer;
    }
}
