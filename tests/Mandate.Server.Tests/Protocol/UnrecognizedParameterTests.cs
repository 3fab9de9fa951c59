using System.Net;
using Mandate.Server.Tests.Harness;

namespace Mandate.Server.Tests.Protocol;

/// <summary>
/// RFC 6749 §3.2: "The authorization server MUST ignore unrecognized request parameters." Parameters of other grants,
/// other specifications or a misspelling (names are case-sensitive) change nothing about an exchange.
/// </summary>
public sealed class UnrecognizedParameterTests : BrokerTest
{
    [Theory]
    [InlineData("foo=bar")]
    [InlineData("Scope=refunds%3Aadmin")]
    [InlineData("RESOURCE=https%3A%2F%2Fcrm.acme.example")]
    [InlineData("code=test-value-1&redirect_uri=https%3A%2F%2Fclient.example%2Fcb&code_verifier=test-value-2")]
    [InlineData("refresh_token=test-value-1")]
    [InlineData("username=alice&password=test-value-1")]
    [InlineData("nonce=test-value-1&state=test-value-2&response_type=code")]
    public async Task Token_UnrecognizedParameter_IsIgnoredAndTheExchangeIssuesAsWithoutIt(string extra)
    {
        var reply = await RawRequests.PostAsync(Broker, "oauth2/token", RawRequests.ValidExchangeBody(Broker) + "&" + extra);

        Assert.True(reply.Status == HttpStatusCode.OK, reply.ToString());
        var credential = IssuedTokens.Read(reply.AccessToken!);
        Assert.Equal([TestBroker.Refunds], credential.Audiences);
        Assert.Equal("refunds:write", credential.GetPayloadValue<string>("scope"));
    }
}
