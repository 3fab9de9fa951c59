using Mandate.Client;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Mandate.Server.Tests.Client;

/// <summary>
/// RFC 9449 §9 from MandateCredentialHandler: a tool that demands its own nonce gets one retry with a proof carrying it,
/// never more, and the latest <c>DPoP-Nonce</c> a tool sent on any answer goes into the next proofs to that origin.
/// </summary>
public sealed class ToolDpopNonceTests : IDisposable
{
    private static readonly string[] Write = ["refunds:write"];
    private readonly DpopKey _key = DpopKey.Create();

    public void Dispose() => _key.Dispose();

    [Fact]
    public async Task CredentialHandler_ToolAnswersUseDpopNonce_RetriesOnceWithTheToolsNonceAndTheSameBody()
    {
        await using var tool = await ScriptedServer.StartAsync(UseNonce("test-nonce-1"), new ScriptedAnswer(201, "created", "text/plain"));
        await using var broker = await DpopBrokerAsync();
        await using var run = await ScriptedExchange.Client(broker, _key).StartRunAsync(null, Write);
        using var http = Tool(run);

        using var response = await http.PostAsync(new Uri(tool.Address, "refunds"), new StringContent("""{"amount":25}"""));

        Assert.Equal(201, (int)response.StatusCode);
        Assert.Equal(2, tool.Received.Count);
        Assert.Equal([null, "test-nonce-1"], tool.Received.Select(r => Nonce(r.Header("DPoP"))));
        Assert.All(tool.Received, r => Assert.Equal("""{"amount":25}""", r.Body));
        Assert.NotEqual(Jti(tool.Received[0].Header("DPoP")), Jti(tool.Received[1].Header("DPoP")));
    }

    [Fact]
    public async Task CredentialHandler_ToolDemandsANonceAgain_DoesNotLoopAndTheNextRequestCarriesTheLatestNonce()
    {
        await using var tool = await ScriptedServer.StartAsync(UseNonce("test-nonce-1"), UseNonce("test-nonce-2"), new ScriptedAnswer(200, "ok", "text/plain"));
        await using var broker = await DpopBrokerAsync();
        await using var run = await ScriptedExchange.Client(broker, _key).StartRunAsync(null, Write);
        using var http = Tool(run);

        using var refused = await http.GetAsync(new Uri(tool.Address, "refunds/1"));
        var afterRefusal = tool.Received.Count;
        using var next = await http.GetAsync(new Uri(tool.Address, "refunds/2"));

        // RFC 9449 §9: one retry at most; the second demand is the caller's answer.
        Assert.Equal((401, 2), ((int)refused.StatusCode, afterRefusal));
        Assert.Equal(200, (int)next.StatusCode);
        // §8.2: the latest nonce replaces the earlier one.
        Assert.Equal([null, "test-nonce-1", "test-nonce-2"], tool.Received.Select(r => Nonce(r.Header("DPoP"))));
    }

    [Fact]
    public async Task CredentialHandler_StreamContent_IsNotRetriedButItsCallersRetryCarriesTheNonce()
    {
        await using var tool = await ScriptedServer.StartAsync(UseNonce("test-nonce-1"), new ScriptedAnswer(201, "created", "text/plain"));
        await using var broker = await DpopBrokerAsync();
        await using var run = await ScriptedExchange.Client(broker, _key).StartRunAsync(null, Write);
        using var http = Tool(run);

        using var refused = await http.PostAsync(new Uri(tool.Address, "refunds"), new StreamContent(new MemoryStream([1, 2, 3])));
        using var retried = await http.PostAsync(new Uri(tool.Address, "refunds"), new StreamContent(new MemoryStream([1, 2, 3])));

        Assert.Equal((401, 201), ((int)refused.StatusCode, (int)retried.StatusCode));
        Assert.Equal([null, "test-nonce-1"], tool.Received.Select(r => Nonce(r.Header("DPoP"))));
    }

    [Fact]
    public async Task CredentialHandler_NonceOnASuccess_IsUsedForThatOriginOnly()
    {
        await using var tool = await ScriptedServer.StartAsync(ScriptedAnswer.Json(200, "{}", ("DPoP-Nonce", "test-nonce-1")), ScriptedAnswer.Json(200, "{}"));
        await using var other = await ScriptedServer.StartAsync(ScriptedAnswer.Json(200, "{}"));
        await using var broker = await DpopBrokerAsync();
        await using var run = await ScriptedExchange.Client(broker, _key).StartRunAsync(null, Write);
        using var http = Tool(run);

        (await http.GetAsync(new Uri(tool.Address, "refunds/1"))).Dispose();
        (await http.GetAsync(new Uri(tool.Address, "orders/1"))).Dispose();
        (await http.GetAsync(new Uri(other.Address, "refunds/1"))).Dispose();

        Assert.Equal([null, "test-nonce-1"], tool.Received.Select(r => Nonce(r.Header("DPoP"))));
        Assert.Null(Nonce(Assert.Single(other.Received).Header("DPoP")));
    }

    [Fact]
    public async Task CredentialHandler_BearerCredential_IsNotRetriedOnANonceChallenge()
    {
        await using var tool = await ScriptedServer.StartAsync(UseNonce("test-nonce-1"), new ScriptedAnswer(200, "ok", "text/plain"));
        await using var broker = await ScriptedServer.StartAsync(ScriptedExchange.RunStarted(), ScriptedExchange.Credential());
        await using var run = await ScriptedExchange.Client(broker).StartRunAsync(null, Write);
        using var http = Tool(run);

        using var response = await http.GetAsync(new Uri(tool.Address, "refunds/1"));

        Assert.Equal(401, (int)response.StatusCode);
        Assert.Null(Assert.Single(tool.Received).Header("DPoP"));
    }

    /// <summary>RFC 9449 §9: the resource server's demand for a nonce.</summary>
    private static ScriptedAnswer UseNonce(string nonce) =>
        ScriptedAnswer.Json(401, "", ("WWW-Authenticate", "DPoP error=\"use_dpop_nonce\", error_description=\"Resource server requires nonce in DPoP proof\""), ("DPoP-Nonce", nonce));

    private static Task<ScriptedServer> DpopBrokerAsync() => ScriptedServer.StartAsync(ScriptedExchange.RunStarted(), ScriptedExchange.Credential(tokenType: "DPoP"));

    private static HttpClient Tool(MandateRun run) =>
        new(new MandateCredentialHandler(run, "refunds", Write) { InnerHandler = MandateHttpClient.Handler() });

    private static string? Nonce(string? proof) =>
        proof is null ? null : new JsonWebToken(proof).TryGetPayloadValue<string>("nonce", out var nonce) ? nonce : null;

    private static string Jti(string? proof) => new JsonWebToken(proof).GetPayloadValue<string>("jti");
}
