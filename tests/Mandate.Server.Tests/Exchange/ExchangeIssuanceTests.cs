using System.Text.Json;
using Mandate.Server.Tests.Harness;
using Microsoft.IdentityModel.JsonWebTokens;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Exchange;

/// <summary>The allowed path: an RFC 9068 access token a tool can verify with nothing but the published JWKS.</summary>
public sealed class ExchangeIssuanceTests : BrokerTest
{
    [Fact]
    public async Task Exchange_SupportAgentRefundsForItsUser_IssuesTokenThatVerifiesWithPublishedJwks()
    {
        var token = await Broker.IssueAsync(Broker.RefundRequest() with { Run = "run_happy" });

        var result = await IssuedTokens.ValidateWithJwksAsync(Broker, token, Refunds);

        Assert.True(result.IsValid, result.Exception?.ToString());
        var jwt = (JsonWebToken)result.SecurityToken;
        Assert.Equal("at+jwt", jwt.Typ);
        Assert.Equal("ES256", jwt.Alg);
        Assert.Equal(Broker.Runtime.Keys.Current.Active.Kid, jwt.Kid);
    }

    [Fact]
    public async Task Exchange_SupportAgentRefundsForItsUser_TokenCarriesEveryAttributionClaim()
    {
        var token = await Broker.IssueAsync(Broker.RefundRequest() with { Run = "run_happy" });

        var jwt = IssuedTokens.Read(token);
        Assert.Equal(Issuer, jwt.Issuer);
        Assert.Equal("alice", jwt.Subject);
        Assert.Equal([Refunds], jwt.Audiences);
        Assert.Equal(Broker.Now.ToUnixTimeSeconds(), jwt.GetPayloadValue<long>("iat"));
        Assert.Equal((Broker.Now + SupportMaxLifetime).ToUnixTimeSeconds(), jwt.GetPayloadValue<long>("exp"));
        Assert.StartsWith("jti_", jwt.Id, StringComparison.Ordinal);
        Assert.Equal(SupportAgent, jwt.GetPayloadValue<string>("client_id"));
        Assert.Equal("refunds:write", jwt.GetPayloadValue<string>("scope"));
        Assert.Equal(SupportAgent, jwt.GetPayloadValue<JsonElement>("act").GetProperty("sub").GetString());
        Assert.Equal("acme", jwt.GetPayloadValue<string>("tenant"));
        Assert.Equal("run_happy", jwt.GetPayloadValue<string>("run"));
        Assert.Equal(Broker.Runtime.Policy.Current.Version, jwt.GetPayloadValue<string>("pol"));
        Assert.StartsWith("dec_", jwt.GetPayloadValue<string>("dec"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exchange_SupportAgentRefundsForItsUser_ResponseIsRfc8693AndNotCacheable()
    {
        var reply = await Broker.ExchangeAsync(Broker.RefundRequest());

        Expect.Issued(reply);
        Assert.Equal("urn:ietf:params:oauth:token-type:access_token", reply.Member("issued_token_type"));
        Assert.Equal("Bearer", reply.Member("token_type"));
        Assert.Equal((int)SupportMaxLifetime.TotalSeconds, reply.Json.GetProperty("expires_in").GetInt32());
        Assert.Equal("refunds:write", reply.Member("scope"));
        Assert.Equal("no-store", reply.Header("Cache-Control"));
        Assert.Equal("no-cache", reply.Header("Pragma"));
        Assert.Equal("application/json", reply.MediaType);
    }

    [Theory]
    [InlineData(null, "urn:ietf:params:oauth:token-type:access_token")]
    [InlineData("urn:ietf:params:oauth:token-type:access_token", "urn:ietf:params:oauth:token-type:access_token")]
    [InlineData("urn:ietf:params:oauth:token-type:jwt", "urn:ietf:params:oauth:token-type:jwt")]
    public async Task Exchange_RequestedTokenType_IssuedTokenTypeNamesWhatWasAskedFor(string? requested, string issued)
    {
        var reply = await Broker.ExchangeAsync(Broker.RefundRequest() with { RequestedTokenType = requested });

        Expect.Issued(reply);
        Assert.Equal(issued, reply.Member("issued_token_type"));
        Assert.Equal("at+jwt", IssuedTokens.Read(reply.AccessToken!).Typ);
    }

    [Fact]
    public async Task Exchange_ToolNamedByAudience_IssuesForTheToolsResource()
    {
        var token = await Broker.IssueAsync(Broker.RefundRequest() with { Resource = null, Audience = "refunds" });

        Assert.Equal([Refunds], IssuedTokens.Read(token).Audiences);
    }

    [Fact]
    public async Task Exchange_NoRunGiven_BrokerAssignsAnUnguessableRun()
    {
        var first = IssuedTokens.Read(await Broker.IssueAsync());
        var second = IssuedTokens.Read(await Broker.IssueAsync());

        Assert.StartsWith("run_", first.GetPayloadValue<string>("run"), StringComparison.Ordinal);
        Assert.NotEqual(first.GetPayloadValue<string>("run"), second.GetPayloadValue<string>("run"));
        Assert.NotEqual(first.Id, second.Id);
    }
}
