using Duende.IdentityModel.Client;
using Mandate.Server.Tests.Harness;
using Mandate.Testing;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Protocol;

/// <summary>
/// A broker at its own issuer address on real time (<see cref="BrokerHarness.StartAtIssuerAsync"/>) and the commands
/// <see cref="OAuth4WebApiClient"/> runs against it (tests/oauth-clients/oauth4webapi/client.mjs).
/// </summary>
public abstract class ThirdPartyClientTest : BrokerTest
{
    /// <summary>One HTTP client for the .NET peers (Duende.IdentityModel, calls to a tool), as a service holds one.</summary>
    protected static HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    protected override Task<BrokerHarness> StartBrokerAsync() => BrokerHarness.StartAtIssuerAsync(Policy, Configuration);

    /// <summary>An RFC 8693 exchange for alice's <paramref name="clientId"/> agent, as a public client naming it.</summary>
    protected object Exchange(
        string scope = "refunds:write", string clientId = SupportAgent, bool dpop = false, string auth = "none", string? authorizationDetails = null)
    {
        var parameters = new Dictionary<string, string>
        {
            ["subject_token"] = Broker.UserToken(),
            ["subject_token_type"] = ExchangeRequest.JwtType,
            ["actor_token"] = Broker.Svid(SupportAgent),
            ["actor_token_type"] = ExchangeRequest.JwtType,
            ["resource"] = Refunds,
            ["scope"] = scope,
        };
        if (authorizationDetails is not null)
        {
            parameters["authorization_details"] = authorizationDetails;
        }

        return new { op = "exchange", issuer = Broker.Options.Issuer, clientId, auth, secret = "s3cret", dpop, @params = parameters };
    }

    /// <summary>The OpenID CIBA poll for <paramref name="authReqId"/>, the support agent authenticating with its workload token.</summary>
    protected object Poll(string authReqId) =>
        new { op = "poll", issuer = Broker.Options.Issuer, clientId = SupportAgent, authReqId, actorToken = Broker.Svid(SupportAgent) };

    /// <summary>Introspection or revocation (<paramref name="op"/>) of <paramref name="token"/> by <paramref name="caller"/>'s workload token.</summary>
    protected object Call(string op, string caller, string token) =>
        new { op, issuer = Broker.Options.Issuer, clientId = caller, bearer = Broker.Svid(caller), token };

    /// <summary>With <see cref="Credentials.Rs256CredentialTests.RsaRefunds"/>: a credential for refunds (RS256) or crm (ES256), and its audience.</summary>
    protected async Task<(string Token, string Audience)> IssueAsync(string alg)
    {
        var request = alg == "RS256" ? Broker.RefundRequest() : Broker.RefundRequest() with { Resource = Crm, Scope = "crm:read" };
        return (await Broker.IssueAsync(request), request.Resource!);
    }

    /// <summary>The other tool's audience.</summary>
    protected static string Other(string audience) => audience == Refunds ? Crm : Refunds;

    /// <summary>One signature character changed in the middle, where every bit of it counts.</summary>
    protected static string Tampered(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        var at = token.LastIndexOf('.') + 10;
        return token[..at] + (token[at] == 'A' ? 'B' : 'A') + token[(at + 1)..];
    }

    /// <summary>The exchange of <see cref="Exchange"/> as Duende.IdentityModel sends it: a public client naming its agent.</summary>
    protected TokenExchangeTokenRequest DuendeExchange(string tokenEndpoint, string scope = "refunds:write") => new()
    {
        Address = tokenEndpoint,
        ClientId = SupportAgent,
        ClientCredentialStyle = ClientCredentialStyle.PostBody,
        SubjectToken = Broker.UserToken(),
        SubjectTokenType = ExchangeRequest.JwtType,
        ActorToken = Broker.Svid(SupportAgent),
        ActorTokenType = ExchangeRequest.JwtType,
        Resource = Refunds,
        Scope = scope,
    };
}
