using Mandate.Client;

namespace Mandate.Server.Tests.Client;

/// <summary>
/// A broker address that answers with a redirect: the SDK takes no credential from another address, and with a handler
/// that does not follow redirects (as the docs advise) the agent's identity tokens never leave for the redirect's target.
/// </summary>
public sealed class RedirectClientTests
{
    [Theory]
    [InlineData(307)]
    [InlineData(308)]
    public async Task Exchange_RedirectFollowedByTheHttpClient_TakesNoCredentialFromTheOtherAddress(int status)
    {
        await using var elsewhere = await ScriptedServer.StartAsync(ScriptedAnswer.Json(200, ScriptedExchange.Issued));
        await using var broker = await ScriptedServer.StartAsync(ScriptedAnswer.Json(status, "", ("Location", new Uri(elsewhere.Address, "oauth2/token").ToString())));

        var refusal = await Assert.ThrowsAsync<MandateErrorException>(() => new MandateClient(broker.Client()).ExchangeAsync(ScriptedExchange.Request()));

        Assert.Equal("invalid_response", refusal.Error);
        Assert.Contains("AllowAutoRedirect = false", refusal.Description, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(301)]
    [InlineData(302)]
    [InlineData(307)]
    [InlineData(308)]
    public async Task Exchange_RedirectWithAHandlerThatDoesNotFollow_SendsNothingOnAndThrowsInvalidResponse(int status)
    {
        await using var elsewhere = await ScriptedServer.StartAsync(ScriptedAnswer.Json(200, ScriptedExchange.Issued));
        await using var broker = await ScriptedServer.StartAsync(ScriptedAnswer.Json(status, "", ("Location", new Uri(elsewhere.Address, "oauth2/token").ToString())));
        using var key = DpopKey.Create();
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = broker.Address };
        var client = new MandateClient(http, new MandateClientOptions { DpopKey = key, TokenEndpoint = new Uri(broker.Address, "oauth2/token") });

        var refusal = await Assert.ThrowsAsync<MandateErrorException>(() => client.ExchangeAsync(ScriptedExchange.Request()));

        Assert.Equal(("invalid_response", status), (refusal.Error, refusal.Status));
        Assert.Single(broker.Received);
        Assert.Empty(elsewhere.Received);
    }

    [Fact]
    public async Task Introspect_RedirectFollowed_IsNotTakenAsTheBrokersAnswer()
    {
        await using var elsewhere = await ScriptedServer.StartAsync(ScriptedAnswer.Json(200, """{"active":true}"""));
        await using var broker = await ScriptedServer.StartAsync(ScriptedAnswer.Json(307, "", ("Location", new Uri(elsewhere.Address, "oauth2/introspect").ToString())));

        var refusal = await Assert.ThrowsAsync<MandateErrorException>(() => new MandateClient(broker.Client()).IntrospectAsync("test-value-1", "test-value-2"));

        Assert.Equal("invalid_response", refusal.Error);
    }

    [Theory]
    [InlineData(307)]
    [InlineData(308)]
    public async Task Exchange_ThroughMandateHttpClient_RedirectIsNotFollowedAndNothingReachesTheOtherAddress(int status)
    {
        await using var elsewhere = await ScriptedServer.StartAsync(ScriptedAnswer.Json(200, ScriptedExchange.Issued));
        await using var broker = await ScriptedServer.StartAsync(ScriptedAnswer.Json(status, "", ("Location", new Uri(elsewhere.Address, "oauth2/token").ToString())));
        using var http = MandateHttpClient.Create(broker.Address);

        var refusal = await Assert.ThrowsAsync<MandateErrorException>(() => new MandateClient(http).ExchangeAsync(ScriptedExchange.Request()));

        Assert.Equal(("invalid_response", status), (refusal.Error, refusal.Status));
        Assert.Single(broker.Received);
        Assert.Empty(elsewhere.Received);
    }

    [Fact]
    public async Task MandateHttpClient_BrokerUnderAPathWithoutTrailingSlash_SendsTokenRequestsBelowIt()
    {
        await using var broker = await ScriptedServer.StartAsync(ScriptedAnswer.Json(200, ScriptedExchange.Issued));
        using var http = MandateHttpClient.Create(new Uri(broker.Address, "mandate"));

        await new MandateClient(http).ExchangeAsync(ScriptedExchange.Request());

        Assert.Equal("/mandate/oauth2/token", Assert.Single(broker.Received).Path);
        Assert.Equal(MandateHttpClient.DefaultTimeout, http.Timeout);
    }
}
