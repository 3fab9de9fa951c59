using Mandate.Server.Tests.Harness;

namespace Mandate.Server.Tests.Exchange;

/// <summary>
/// RFC 6749 §3.3 and RFC 8693 §2.2.1: when the credential's scope differs from the one requested, the response MUST
/// say which was granted. Mandate always sends <c>scope</c>; it must be the credential's own.
/// </summary>
public sealed class ResponseScopeTests : BrokerTest
{
    /// <summary>The support agent's refund rule grants reads alone, whatever else it allows to be asked for.</summary>
    protected override string Policy => TestBroker.Policy.Replace(
        "    tenant: same_as_user\n    max_lifetime: 5m",
        "    grant_scopes: [refunds:read]\n    tenant: same_as_user\n    max_lifetime: 5m",
        StringComparison.Ordinal);

    [Theory]
    [InlineData("refunds:read refunds:write")]
    [InlineData("refunds:write refunds:read")]
    [InlineData("refunds:read refunds:read")]
    public async Task Exchange_GrantedScopeDiffersFromRequested_ResponseScopeIsTheCredentials(string requested)
    {
        // RFC 6749 §3.3: "If the issued access token scope is different from the one requested by the client, the
        // authorization server MUST include the "scope" response parameter to inform the client of the actual scope granted."
        var reply = await Broker.ExchangeAsync(Broker.RefundRequest() with { Scope = requested });

        var token = Expect.Issued(reply);
        Assert.Equal("refunds:read", reply.Member("scope"));
        Assert.Equal("refunds:read", IssuedTokens.Read(token).GetPayloadValue<string>("scope"));
    }
}
