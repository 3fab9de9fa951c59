using Mandate.Client;

namespace Mandate.Server.Tests.Client;

/// <summary>
/// RFC 9449 §5 from the SDK: a client that sent a DPoP proof takes only a <c>DPoP</c> access token (or an <c>N_A</c>
/// token that is no access token); a Bearer answer would silently drop the binding, so it is refused and never cached.
/// </summary>
public sealed class DpopDowngradeClientTests : IDisposable
{
    private readonly DpopKey _key = DpopKey.Create();

    public void Dispose() => _key.Dispose();

    [Theory]
    [InlineData("Bearer")]
    [InlineData("bearer")]
    [InlineData("MAC")]
    public async Task Exchange_DpopClientAnsweredAnotherAccessTokenType_ThrowsInvalidResponse(string tokenType)
    {
        // RFC 9449 §5: the AS answers token_type DPoP for an access token bound to the proof's key.
        await using var broker = await ScriptedServer.StartAsync(ScriptedExchange.Credential(tokenType: tokenType));

        var refusal = await Assert.ThrowsAsync<MandateErrorException>(() => ScriptedExchange.Client(broker, _key).ExchangeAsync(ScriptedExchange.Request()));

        Assert.Equal(("invalid_response", 200), (refusal.Error, refusal.Status));
        Assert.Contains("RFC 9449 §5", refusal.Description, StringComparison.Ordinal);
        Assert.DoesNotContain("test-value-1", refusal.Message, StringComparison.Ordinal);
        Assert.NotNull(Assert.Single(broker.Received).Header("DPoP"));
    }

    [Theory]
    [InlineData("DPoP")]
    [InlineData("dpop")]
    [InlineData("N_A")]
    public async Task Exchange_DpopClientAnsweredDpopOrNotAnAccessToken_TakesIt(string tokenType)
    {
        await using var broker = await ScriptedServer.StartAsync(ScriptedExchange.Credential(tokenType: tokenType));

        var credential = await ScriptedExchange.Client(broker, _key).ExchangeAsync(ScriptedExchange.Request());

        Assert.Equal(tokenType, credential.TokenType);
    }

    [Fact]
    public async Task Exchange_BearerClientAnsweredBearer_TakesIt()
    {
        await using var broker = await ScriptedServer.StartAsync(ScriptedExchange.Credential());

        var credential = await ScriptedExchange.Client(broker).ExchangeAsync(ScriptedExchange.Request());

        Assert.Equal("Bearer", credential.TokenType);
    }

    [Fact]
    public async Task RunCredential_DpopClientAnsweredBearer_IsRefusedAndNotCached()
    {
        await using var broker = await ScriptedServer.StartAsync(
            ScriptedExchange.RunStarted(), ScriptedExchange.Credential(tokenType: "Bearer"), ScriptedExchange.Credential("test-value-4", "DPoP"));
        await using var run = await ScriptedExchange.Client(broker, _key).StartRunAsync(null, ["refunds:write"]);

        var refusal = await Assert.ThrowsAsync<MandateErrorException>(() => run.GetIssuedCredentialAsync("refunds", ["refunds:write"]));
        var next = await run.GetIssuedCredentialAsync("refunds", ["refunds:write"]);

        Assert.Equal("invalid_response", refusal.Error);
        // The refused Bearer credential was not kept: the next call exchanged again and got the bound one.
        Assert.Equal(("test-value-4", true), (next.AccessToken, next.IsDpopBound));
        Assert.Equal(3, broker.Received.Count);
    }

    [Fact]
    public async Task CredentialHandler_DpopClientAnsweredBearer_SendsNothingToTheTool()
    {
        await using var tool = await ScriptedServer.StartAsync(new ScriptedAnswer(200, "ok", "text/plain"));
        await using var broker = await ScriptedServer.StartAsync(ScriptedExchange.RunStarted(), ScriptedExchange.Credential(tokenType: "Bearer"));
        await using var run = await ScriptedExchange.Client(broker, _key).StartRunAsync(null, ["refunds:write"]);
        using var http = new HttpClient(new MandateCredentialHandler(run, "refunds", ["refunds:write"]) { InnerHandler = MandateHttpClient.Handler() });

        var refusal = await Assert.ThrowsAsync<MandateErrorException>(() => http.GetAsync(new Uri(tool.Address, "refunds/1")));

        Assert.Equal("invalid_response", refusal.Error);
        Assert.Empty(tool.Received);
    }
}
