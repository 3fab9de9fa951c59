using System.Text;
using Mandate.Client;
using Mandate.Examples.Tools;
using Mandate.ResourceServer.Tests.Harness;

namespace Mandate.ResourceServer.Tests;

/// <summary>
/// End to end: an agent using the SDK with a DpopKey gets DPoP-bound credentials from the real broker, and a tool
/// protected by Mandate.ResourceServer accepts its calls through MandateCredentialHandler and nothing less.
/// </summary>
public sealed class SdkDpopTests : ToolTest, IDisposable
{
    private static readonly string[] RefundScopes = ["refunds:read", "refunds:write"];
    private readonly DpopKey _key = DpopKey.Create();

    public void Dispose() => _key.Dispose();

    [Fact]
    public async Task SdkWithDpopKey_CallsThroughMandateCredentialHandler_AreAcceptedByTheTool()
    {
        await using var run = await StartRunAsync(_key);
        using var http = ToolHttp(run);

        using var created = await http.PostAsync("/refunds", new StringContent(RefundBody, Encoding.UTF8, "application/json"));
        // A query string is not part of htu (RFC 9449 §4.2): the handler's proof must still match.
        using var read = await http.GetAsync("/refunds/rf_1?fields=amount");

        Assert.Equal(201, (int)created.StatusCode);
        Assert.Equal(200, (int)read.StatusCode);
        var credential = await run.GetIssuedCredentialAsync(ToolKind.Refunds.Resource, RefundScopes);
        Assert.Equal("DPoP", credential.TokenType);
        Assert.Equal(_key.Thumbprint, ((Dictionary<string, object>)ForgedTokens.Claims(credential.AccessToken)["cnf"])["jkt"].ToString());
    }

    [Fact]
    public async Task SdkDpopCredential_SentByHandAsPlainBearer_IsRefused()
    {
        await using var run = await StartRunAsync(_key);
        var credential = await run.GetIssuedCredentialAsync(ToolKind.Refunds.Resource, RefundScopes);

        var reply = await Refunds.PostAsync("/refunds", credential.AccessToken, RefundBody);

        CredentialValidationTests.AssertInvalidToken(reply, "DPoP-bound");
    }

    [Fact]
    public async Task SdkDpopCredential_SentWithTheDpopSchemeButNoProof_IsRefused()
    {
        await using var run = await StartRunAsync(_key);
        var credential = await run.GetIssuedCredentialAsync(ToolKind.Refunds.Resource, RefundScopes);

        var reply = await Refunds.PostAsync("/refunds", credential.AccessToken, RefundBody, scheme: "DPoP");

        Assert.Equal(401, reply.Status);
        Assert.Equal("invalid_dpop_proof", reply.Json.GetProperty("error").GetString());
    }

    private Task<MandateRun> StartRunAsync(DpopKey key) =>
        new MandateClient(Harness.BrokerHttp, new MandateClientOptions
        {
            Identity = WorkloadIdentity.From(_ => ValueTask.FromResult(Harness.Svid(ToolBroker.SupportAgent))),
            Time = Harness.Clock,
            DpopKey = key,
        }).StartRunAsync(Harness.UserToken(), RefundScopes);

    private HttpClient ToolHttp(MandateRun run) =>
        new(new MandateCredentialHandler(run, ToolKind.Refunds.Resource, RefundScopes) { InnerHandler = new SocketsHttpHandler() })
        {
            BaseAddress = Refunds.Address,
            Timeout = TimeSpan.FromSeconds(30),
        };
}
