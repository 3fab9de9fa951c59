using System.Net;
using Mandate.Server.Tests.Credentials;
using Mandate.Server.Tests.Harness;
using Mandate.Testing;

namespace Mandate.Server.Tests.Proxy;

/// <summary>
/// The egress proxy in front of a jwt tool with <c>signing_alg: RS256</c>: it accepts the broker's RS256 credential and
/// refuses one signed under another algorithm or key (RFC 8725 §3.1), forwarding nothing.
/// </summary>
public sealed class ProxyRs256Tests : ProxyTest
{
    protected override string Policy => ProxyTestBroker.Policy.Replace(
        "    scopes: [ledger:read]", "    scopes: [ledger:read]\n    http: [\"GET /entries/**\"]", StringComparison.Ordinal);

    protected override string Configuration(Uri upstream) => ProxyTestBroker.Configuration(upstream).Replace(
        "scopes: [ledger:read], upstream:", "scopes: [ledger:read], signing_alg: RS256, upstream:", StringComparison.Ordinal);

    [Fact]
    public async Task Proxy_Rs256Credential_IsForwarded()
    {
        var credential = await LedgerCredentialAsync();

        using var response = await CallAsync(HttpMethod.Get, "ledger/entries/2026/11", credential);

        Assert.Equal("RS256", IssuedTokens.Read(credential).Alg);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Bearer " + credential, Assert.Single(Upstream.Received).Headers["Authorization"]);
    }

    [Theory]
    [MemberData(nameof(ForgeryNames))]
    public async Task Invariant7_Proxy_ForgedRs256Credential_IsRefusedAndNothingIsForwarded(string forgery)
    {
        var forged = Rs256CredentialTests.Forgeries(Broker).Create(forgery, await LedgerCredentialAsync());

        // RFC 6750 §3.1: a credential that does not validate is invalid_token (401).
        using var response = await CallAsync(HttpMethod.Get, "ledger/entries/2026/11", forged);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer" && (h.Parameter ?? "").Contains("error=\"invalid_token\"", StringComparison.Ordinal));
        Assert.Empty(Upstream.Received);
    }

    public static TheoryData<string> ForgeryNames() => new(Rs256Forgeries.Names);

    private Task<string> LedgerCredentialAsync() =>
        Broker.IssueAsync(Broker.RefundRequest() with { Resource = ProxyTestBroker.Ledger, Scope = "ledger:read" });
}
