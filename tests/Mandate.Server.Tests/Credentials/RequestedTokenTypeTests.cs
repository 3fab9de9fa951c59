using Mandate.Core.Credentials;
using Mandate.Server.Tests.Harness;
using T = Mandate.Core.Protocol.OAuthConstants.TokenTypes;

namespace Mandate.Server.Tests.Credentials;

/// <summary>
/// RFC 8693 §2.1 <c>requested_token_type</c> against the tool's credential kind: the kind's own type is served as that
/// type, the generic access-token types get what the kind issues, and another kind's type is refused before anything
/// is minted.
/// </summary>
public sealed class RequestedTokenTypeTests : CredentialKindTest
{
    protected override bool UsesPostgres => false;

    [Theory]
    [InlineData(CredentialTokenTypes.IdToken)]
    [InlineData(T.AccessToken)]
    [InlineData(T.Jwt)]
    public async Task FederationTool_ItsOwnTypeOrAnAccessToken_IsIssuedAsAnIdToken(string requested)
    {
        var reply = await Broker.ExchangeAsync(Request(CredentialKindsBroker.Aws, "aws:assume") with { RequestedTokenType = requested });

        Expect.Issued(reply);
        // RFC 8693 §2.2.1: issued_token_type names the representation issued.
        Assert.Equal((CredentialTokenTypes.IdToken, "N_A"), (reply.Member("issued_token_type"), reply.Member("token_type")));
    }

    [Fact]
    public async Task JwtTool_AccessTokenAskedAsItsOwnType_IsIssued()
    {
        var reply = await Broker.ExchangeAsync(Broker.RefundRequest() with { RequestedTokenType = T.AccessToken });

        Expect.Issued(reply);
        Assert.Equal(T.AccessToken, reply.Member("issued_token_type"));
    }

    [Theory]
    [InlineData(CredentialKindsBroker.Aws, "aws:assume", CredentialTokenTypes.PostgresCredentials)]
    [InlineData(CredentialKindsBroker.Aws, "aws:assume", CredentialTokenTypes.X509Certificate)]
    [InlineData(TestBroker.Refunds, "refunds:read", CredentialTokenTypes.IdToken)]
    [InlineData(TestBroker.Refunds, "refunds:read", CredentialTokenTypes.PostgresCredentials)]
    public async Task Invariant7_AnotherKindsType_InvalidRequestNamingTheToolsType_NothingIssued(string resource, string scope, string requested)
    {
        // RFC 8693 §2.2.2 / RFC 6749 §5.2: a type the tool is not issued as is an unsupported parameter value.
        var reply = await Broker.ExchangeAsync(Request(resource, scope) with { RequestedTokenType = requested });

        Expect.Refused(reply, "invalid_request", "is issued as");
        Assert.Equal("request.requested_token_type_not_issued", reply.Member("check_id"));
        await Broker.AssertNothingIssuedAsync();
    }
}
