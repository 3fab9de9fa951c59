using System.Net;
using System.Net.Http.Headers;
using Mandate.Core.Configuration;
using Mandate.Server.Tests.Harness;
using Mandate.Testing;

namespace Mandate.Server.Tests.Proxy;

/// <summary>
/// <c>proxy.public_origin</c>: behind a TLS terminator, a DPoP proof's <c>htu</c> is the URL agents call (RFC 9449 §4.3
/// step 9), never one built from the <c>Host</c> the request arrived with.
/// </summary>
public sealed class ProxyPublicOriginTests : ProxyTest, IDisposable
{
    private const string PublicOrigin = "https://proxy.acme.example";
    private const string Path = "stripe/v1/charges/ch_1";

    private readonly DpopProofs _key = new();

    protected override string Configuration(Uri upstream) =>
        ProxyTestBroker.Configuration(upstream).Replace("timeout: 30s }", $"timeout: 30s, public_origin: {PublicOrigin} }}", StringComparison.Ordinal);

    [Fact]
    public async Task Proxy_DpopProofForTheOriginNamedInHost_401InvalidDpopProofNotForwarded()
    {
        // A proof its holder made for another origin (same path) must not pass because the replayer names that origin as Host.
        var credential = await BoundCredentialAsync();
        var proof = _key.Create("GET", "http://other.acme.example/" + Path, Broker.Now, accessToken: credential);

        using var response = await CallAsync(credential, proof, host: "other.acme.example");

        var problem = await ProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal("proxy.not_holder", CheckId(problem));
        Assert.Contains(PublicOrigin + "/" + Path, problem, StringComparison.Ordinal);
        Assert.Contains("error=\"invalid_dpop_proof\"", Assert.Single(response.Headers.WwwAuthenticate, c => c.Scheme == "DPoP").Parameter, StringComparison.Ordinal);
        Assert.Empty(Upstream.Received);
    }

    [Fact]
    public async Task Proxy_DpopProofForThePublicOriginArrivingWithAnotherHost_IsForwarded()
    {
        // The TLS terminator forwards https://proxy.acme.example/... to the loopback listener with its own Host and scheme.
        var credential = await BoundCredentialAsync();
        var proof = _key.Create("GET", PublicOrigin + "/" + Path, Broker.Now, accessToken: credential);

        using var response = await CallAsync(credential, proof, host: "127.0.0.1");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(Upstream.Received);
    }

    [Fact]
    public async Task Proxy_AbsoluteFormOnThePublicOrigin_ForwardedWithAProofForIt()
    {
        // RFC 9112 §3.2.2: the absolute-form on the proxy's own (public) origin is its origin-form path; htu is that target URI.
        var credential = await BoundCredentialAsync();
        var proof = _key.Create("GET", PublicOrigin + "/" + Path, Broker.Now, accessToken: credential);

        var (status, _) = await RawAsync(PublicOrigin + "/" + Path, null, $"Authorization: DPoP {credential}\r\nDPoP: {proof}\r\n", host: "proxy.acme.example");

        Assert.Equal(200, status);
        Assert.Single(Upstream.Received);
    }

    [Fact]
    public async Task Proxy_AbsoluteFormWithHttpForTheHttpsPublicOrigin_421NotForwarded()
    {
        // RFC 9110 §4.3.1: http and https are different origins; RFC 9110 §15.5.20: answered as misdirected, never fetched.
        var credential = await StripeCredentialAsync();

        var (status, text) = await RawAsync("http://proxy.acme.example/" + Path, credential, host: "proxy.acme.example");

        Assert.Equal(421, status);
        Assert.Contains("\"check_id\":\"proxy.target_misdirected\"", text, StringComparison.Ordinal);
        Assert.Equal(0, Upstream.Started);
    }

    [Fact]
    public async Task Start_PublicOriginWithPath_RefusedNamingTheKey()
    {
        var error = await Assert.ThrowsAsync<MandateConfigException>(() => BrokerHarness.StartAsync(
            extraConfiguration: "proxy: { listen: http://127.0.0.1:8081, public_origin: https://proxy.acme.example/mandate }"));

        Assert.Contains("proxy.public_origin", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _key.Dispose();

    private async Task<string> BoundCredentialAsync()
    {
        var exchange = Broker.RefundRequest() with { Resource = ProxyTestBroker.Stripe, Scope = "charges:read" };
        using var request = new HttpRequestMessage(HttpMethod.Post, "oauth2/token") { Content = new FormUrlEncodedContent(exchange.ToForm()) };
        request.Headers.Add("DPoP", _key.Create("POST", Broker.Options.Issuer.TrimEnd('/') + "/oauth2/token", Broker.Now));
        return Expect.Issued(await Broker.SendAsync(request));
    }

    private Task<HttpResponseMessage> CallAsync(string credential, string proof, string host) =>
        CallAsync(HttpMethod.Get, Path, null, configure: r =>
        {
            r.Headers.Authorization = new AuthenticationHeaderValue("DPoP", credential);
            r.Headers.Add("DPoP", proof);
            r.Headers.Host = host;
        });
}
