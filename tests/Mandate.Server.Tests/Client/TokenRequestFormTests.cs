using System.Text;
using Mandate.Client;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.Server.Tests.Client;

/// <summary>
/// What the SDK puts on the wire as an OAuth client: each token request parameter form-encoded once (RFC 6749 App. B),
/// none empty, scope tokens as §3.3 defines them; credentials sent only under a token type it understands (§7.1);
/// and a DPoP nonce demand retried once, never in a loop (RFC 9449 §8).
/// </summary>
public sealed class TokenRequestFormTests
{
    [Fact]
    public async Task Exchange_ReservedCharactersInScopeAndResource_AreFormEncodedAndArriveIntact()
    {
        await using var broker = await ScriptedServer.StartAsync(ScriptedAnswer.Json(200, ScriptedExchange.Issued));
        const string resource = "https://refunds.acme.example/v1?region=eu&tier=a+b";

        await new MandateClient(broker.Client()).ExchangeAsync(ScriptedExchange.Request() with { Tool = resource, Scopes = ["refunds:write", "files:/a?b=c&d+e%f"] });

        var sent = Assert.Single(broker.Received);
        Assert.Equal(resource, Single(sent, "resource"));
        Assert.Equal("refunds:write files:/a?b=c&d+e%f", Single(sent, "scope"));
        // RFC 6749 App. B: the space between scope tokens is '+', and '+', '&', '%' inside values are percent-encoded.
        Assert.Contains("scope=refunds%3Awrite+files%3A%2Fa%3Fb%3Dc%26d%2Be%25f", sent.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exchange_EmptyTenantAndRepeatedScopes_SendsEveryParameterOnceAndNoneEmpty()
    {
        await using var broker = await ScriptedServer.StartAsync(ScriptedAnswer.Json(200, ScriptedExchange.Issued));

        await new MandateClient(broker.Client()).ExchangeAsync(ScriptedExchange.Request() with { Tenant = "", Run = "", Scopes = ["refunds:write", "refunds:write"] });

        var form = Assert.Single(broker.Received).Form;
        // RFC 6749 §3.1: a parameter sent without a value counts as omitted, and none may be sent twice.
        Assert.DoesNotContain(form, f => f.Value.Length == 0);
        Assert.Equal(form.Count, form.Select(f => f.Name).Distinct().Count());
        Assert.DoesNotContain(form, f => f.Name is "tenant" or "run");
        Assert.Equal("refunds:write", Single(Assert.Single(broker.Received), "scope"));
    }

    [Theory]
    [InlineData("refunds:write refunds:admin")]
    [InlineData("")]
    [InlineData("refunds:\"write\"")]
    [InlineData("réfunds:write")]
    public async Task Exchange_ScopeThatIsNotOneScopeToken_IsRefusedBeforeAnythingIsSent(string scope)
    {
        await using var broker = await ScriptedServer.StartAsync(ScriptedAnswer.Json(200, ScriptedExchange.Issued));

        // RFC 6749 §3.3: scope-token = 1*NQCHAR; a space would split it into two scopes the caller did not name.
        await Assert.ThrowsAsync<ArgumentException>(() => new MandateClient(broker.Client()).ExchangeAsync(ScriptedExchange.Request() with { Scopes = [scope] }));

        Assert.Empty(broker.Received);
    }

    [Fact]
    public async Task Exchange_ResourceWithAFragment_IsRefusedBeforeAnythingIsSent()
    {
        await using var broker = await ScriptedServer.StartAsync(ScriptedAnswer.Json(200, ScriptedExchange.Issued));

        // RFC 8707 §2: the resource URI MUST NOT include a fragment component.
        await Assert.ThrowsAsync<ArgumentException>(() => new MandateClient(broker.Client()).ExchangeAsync(ScriptedExchange.Request() with { Tool = "https://refunds.acme.example/#v1" }));

        Assert.Empty(broker.Received);
    }

    [Theory]
    [InlineData("bearer", "Bearer test-value-1")]
    [InlineData("BEARER", "Bearer test-value-1")]
    public async Task CredentialHandler_TokenTypeBearerInAnyCase_SendsTheCredentialAsBearer(string tokenType, string authorization)
    {
        await using var tool = await ScriptedServer.StartAsync(new ScriptedAnswer(200, "ok", "text/plain"));
        await using var broker = await ScriptedServer.StartAsync(ScriptedAnswer.Json(200, RunToken()), ScriptedAnswer.Json(200, ScriptedExchange.Issued.Replace("\"Bearer\"", $"\"{tokenType}\"", StringComparison.Ordinal)));
        await using var run = await Client(broker).StartRunAsync(null, ["refunds:write"]);
        using var http = new HttpClient(new MandateCredentialHandler(run, tool.Address.ToString(), ["refunds:write"]) { InnerHandler = new SocketsHttpHandler() });

        using var answer = await http.GetAsync(new Uri(tool.Address, "refunds/1"));

        Assert.Equal(authorization, Assert.Single(tool.Received).Header("Authorization"));
    }

    [Theory]
    [InlineData("N_A")]
    [InlineData("mac")]
    public async Task CredentialHandler_TokenTypeItDoesNotUnderstand_SendsNothingAndThrowsInvalidResponse(string tokenType)
    {
        // RFC 6749 §7.1: the client MUST NOT use an access token if it does not understand the token type.
        await using var tool = await ScriptedServer.StartAsync(new ScriptedAnswer(200, "ok", "text/plain"));
        await using var broker = await ScriptedServer.StartAsync(ScriptedAnswer.Json(200, RunToken()), ScriptedAnswer.Json(200, ScriptedExchange.Issued.Replace("\"Bearer\"", $"\"{tokenType}\"", StringComparison.Ordinal)));
        await using var run = await Client(broker).StartRunAsync(null, ["refunds:write"]);
        using var http = new HttpClient(new MandateCredentialHandler(run, tool.Address.ToString(), ["refunds:write"]) { InnerHandler = new SocketsHttpHandler() });

        var refusal = await Assert.ThrowsAsync<MandateErrorException>(() => http.GetAsync(new Uri(tool.Address, "refunds/1")));

        Assert.Equal("invalid_response", refusal.Error);
        Assert.Contains(tokenType, refusal.Description, StringComparison.Ordinal);
        Assert.Empty(tool.Received);
    }

    [Fact]
    public async Task Exchange_BrokerDemandsANewNonceEveryTime_RetriesOnceThenThrowsUseDpopNonce()
    {
        // RFC 9449 §8: the client retries with the server's nonce; a server that asks again is not asked a third time.
        await using var broker = await ScriptedServer.StartAsync(ScriptedAnswer.Json(400, """{"error":"use_dpop_nonce","error_description":"scripted"}""", ("DPoP-Nonce", "test-nonce-1")));
        using var key = DpopKey.Create();
        var client = new MandateClient(broker.Client(), new MandateClientOptions { DpopKey = key, TokenEndpoint = new Uri(broker.Address, "oauth2/token?x=1#f") });

        var refusal = await Assert.ThrowsAsync<MandateErrorException>(() => client.ExchangeAsync(ScriptedExchange.Request()));

        Assert.Equal(("use_dpop_nonce", 400), (refusal.Error, refusal.Status));
        Assert.Equal(2, broker.Received.Count);
        var proofs = broker.Received.Select(r => new JsonWebToken(r.Header("DPoP"))).ToList();
        Assert.False(proofs[0].TryGetPayloadValue<string>("nonce", out _));
        Assert.Equal("test-nonce-1", proofs[1].GetPayloadValue<string>("nonce"));
        Assert.NotEqual(proofs[0].GetPayloadValue<string>("jti"), proofs[1].GetPayloadValue<string>("jti"));
        // §4.2: htu without query and fragment; the header carries the public key only.
        Assert.All(proofs, p => Assert.Equal(new Uri(broker.Address, "oauth2/token").ToString(), p.GetPayloadValue<string>("htu")));
        Assert.All(proofs, p => Assert.False(p.TryGetHeaderValue<Dictionary<string, object>>("jwk", out var jwk) && jwk.ContainsKey("d")));
    }

    private static MandateClient Client(ScriptedServer broker) => new(broker.Client(), WorkloadIdentity.From(_ => ValueTask.FromResult("test-value-2")));

    /// <summary>A token response whose access_token is shaped like a run token (only its txn is read by the SDK).</summary>
    private static string RunToken()
    {
        var token = "e30." + Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes("""{"txn":"run_1"}""")) + ".c2ln";
        return ScriptedExchange.Issued.Replace("test-value-1", token, StringComparison.Ordinal).Replace("urn:ietf:params:oauth:token-type:access_token", "urn:ietf:params:oauth:token-type:txn_token", StringComparison.Ordinal);
    }

    private static string Single(ScriptedRequest request, string name) => Assert.Single(request.Form, f => f.Name == name).Value;
}
