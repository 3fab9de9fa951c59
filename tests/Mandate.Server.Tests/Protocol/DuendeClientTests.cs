using System.Net;
using System.Net.Http.Headers;
using Duende.IdentityModel.Client;
using Mandate.Server.Tests.Harness;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Protocol;

/// <summary>
/// Duende.IdentityModel 8.1, the OAuth 2.0 client library most .NET services use, written without Mandate in mind,
/// against a broker at its own issuer address: RFC 8414 discovery under the library's strict default policy (the
/// issuer's name, every endpoint on the issuer's authority, a key set), an RFC 8693 exchange as a public client naming
/// its agent, RFC 7662 introspection and RFC 7009 revocation with a workload's bearer token, and a refusal read as the
/// RFC 6749 §5.2 error response it is.
/// </summary>
public sealed class DuendeClientTests : ThirdPartyClientTest
{
    [Fact]
    public async Task Duende_DiscoversTheBrokerUnderItsStrictPolicy()
    {
        var discovery = await DiscoverAsync();

        Assert.False(discovery.IsError, discovery.Error);
        Assert.Equal(Broker.Options.Issuer, discovery.Issuer);
        Assert.Equal(Broker.Options.Issuer + "/oauth2/token", discovery.TokenEndpoint);
        Assert.Equal(Broker.Options.Issuer + "/oauth2/introspect", discovery.IntrospectionEndpoint);
        Assert.Equal(Broker.Options.Issuer + "/oauth2/revoke", discovery.RevocationEndpoint);
        Assert.Contains(discovery.KeySet!.Keys, k => k.Kty == "EC" && k.Alg == "ES256");
        Assert.Contains("urn:ietf:params:oauth:grant-type:token-exchange", discovery.GrantTypesSupported);
    }

    [Fact]
    public async Task Duende_ExchangesAsAPublicClient_IntrospectsAndRevokesTheCredential()
    {
        var discovery = await DiscoverAsync();

        var exchanged = await Http.RequestTokenExchangeTokenAsync(DuendeExchange(discovery.TokenEndpoint!));

        Assert.False(exchanged.IsError, $"{exchanged.Error}: {exchanged.ErrorDescription}");
        Assert.Equal("urn:ietf:params:oauth:token-type:access_token", exchanged.IssuedTokenType);
        Assert.Equal("Bearer", exchanged.TokenType, ignoreCase: true);
        Assert.Equal("refunds:write", exchanged.Scope);
        Assert.InRange(exchanged.ExpiresIn, 1, (int)SupportMaxLifetime.TotalSeconds);

        var introspected = await Http.IntrospectTokenAsync(Authorized(new TokenIntrospectionRequest
        {
            Address = discovery.IntrospectionEndpoint,
            Token = exchanged.AccessToken!,
        }, RefundsWorkload));
        Assert.False(introspected.IsError, introspected.Error);
        Assert.True(introspected.IsActive);
        Assert.Equal(("alice", SupportAgent), (introspected.Subject, introspected.ClientId));
        Assert.Equal(["refunds:write"], introspected.Scopes);

        var revoked = await Http.RevokeTokenAsync(Authorized(new TokenRevocationRequest
        {
            Address = discovery.RevocationEndpoint,
            Token = exchanged.AccessToken!,
            TokenTypeHint = "access_token",
        }, SupportAgent));
        Assert.False(revoked.IsError, revoked.Error);
        Assert.False(await Broker.ActiveAsync(exchanged.AccessToken!));
    }

    [Fact]
    public async Task Duende_ScopeTheToolDoesNotDefine_IsAnErrorResponseItReads()
    {
        var discovery = await DiscoverAsync();

        var refused = await Http.RequestTokenExchangeTokenAsync(DuendeExchange(discovery.TokenEndpoint!, "refunds:everything"));

        // RFC 6749 §5.2 / RFC 8693 §2.2.2: a JSON error response with the code the client can act on.
        Assert.True(refused.IsError);
        Assert.Equal(ResponseErrorType.Protocol, refused.ErrorType);
        Assert.Equal(HttpStatusCode.BadRequest, refused.HttpStatusCode);
        Assert.Equal("invalid_scope", refused.Error);
        Assert.Contains("refunds:everything", refused.ErrorDescription, StringComparison.Ordinal);
        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public async Task Duende_IntrospectionOfAnAlteredCredential_IsInactive()
    {
        var discovery = await DiscoverAsync();
        var token = (await Http.RequestTokenExchangeTokenAsync(DuendeExchange(discovery.TokenEndpoint!))).AccessToken!;

        var introspected = await Http.IntrospectTokenAsync(Authorized(new TokenIntrospectionRequest
        {
            Address = discovery.IntrospectionEndpoint,
            Token = Tampered(token),
        }, RefundsWorkload));

        Assert.False(introspected.IsError, introspected.Error);
        Assert.False(introspected.IsActive);
        Assert.Null(introspected.Subject);
    }

    private Task<DiscoveryDocumentResponse> DiscoverAsync() =>
        Http.GetDiscoveryDocumentAsync(new DiscoveryDocumentRequest
        {
            Address = Broker.Options.Issuer,
            // RFC 8414 §3; the rest of the policy is the library's default (http allowed on loopback only).
            Policy = new DiscoveryPolicy { DiscoveryDocumentPath = ".well-known/oauth-authorization-server" },
        });

    /// <summary>The caller authenticates with its workload identity as a bearer token, and no client secret.</summary>
    private T Authorized<T>(T request, string caller) where T : ProtocolRequest
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Broker.Svid(caller));
        return request;
    }
}
