using System.Security.Cryptography;
using System.Text;
using Mandate.Client;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.Server.Tests.Client;

/// <summary>One MandateCredentialHandler under one HttpClient used by many requests at once, as HttpClient is meant to be.</summary>
public sealed class CredentialHandlerConcurrencyTests
{
    [Fact]
    public async Task CredentialHandler_ConcurrentRequests_EachCarriesTheCredentialAndItsOwnProof()
    {
        await using var tool = await ScriptedServer.StartAsync(new ScriptedAnswer(200, "ok", "text/plain"));
        await using var broker = await ScriptedServer.StartAsync(ScriptedExchange.RunStarted(), ScriptedExchange.Credential(tokenType: "DPoP"));
        using var key = DpopKey.Create();
        await using var run = await ScriptedExchange.Client(broker, key).StartRunAsync(null, ["refunds:write"]);
        using var http = new HttpClient(new MandateCredentialHandler(run, tool.Address.ToString(), ["refunds:write"]) { InnerHandler = new SocketsHttpHandler() });

        await Task.WhenAll(Enumerable.Range(0, 24).Select(async i => (await http.GetAsync(new Uri(tool.Address, $"refunds/{i}?q=1"))).Dispose()));

        Assert.Equal(24, tool.Received.Count);
        Assert.All(tool.Received, r => Assert.Equal("DPoP test-value-1", r.Header("Authorization")));
        var proofs = tool.Received.Select(r => (r.Path, Proof: new JsonWebToken(r.Header("DPoP")))).ToList();
        // RFC 9449 §4.2 / §11.1: a fresh proof per request, htu without the query, ath the credential's hash.
        Assert.Equal(24, proofs.Select(p => p.Proof.GetPayloadValue<string>("jti")).Distinct().Count());
        Assert.All(proofs, p => Assert.Equal(new Uri(tool.Address, p.Path.TrimStart('/')).ToString(), p.Proof.GetPayloadValue<string>("htu")));
        var ath = Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes("test-value-1")));
        Assert.All(proofs, p => Assert.Equal(ath, p.Proof.GetPayloadValue<string>("ath")));
    }
}
