using System.Net;
using System.Net.Http.Headers;
using Mandate.Server.Tests.Harness;
using Mandate.Testing;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.Server.Tests.Proxy;

/// <summary>DPoP-bound credentials at the egress proxy (RFC 9449 §7): only their holder, with a fresh proof per call, gets through.</summary>
public sealed class ProxyDpopTests : ProxyTest, IDisposable
{
    private readonly DpopProofs _key = new();

    private string CallUrl => new Uri(Proxy.BaseAddress!, "stripe/v1/charges/ch_1").ToString();

    /// <summary>A stripe credential bound to <see cref="_key"/> by a DPoP proof at the real token endpoint.</summary>
    private async Task<string> BoundCredentialAsync()
    {
        var exchange = Broker.RefundRequest() with { Resource = ProxyTestBroker.Stripe, Scope = "charges:read" };
        using var request = new HttpRequestMessage(HttpMethod.Post, "oauth2/token") { Content = new FormUrlEncodedContent(exchange.ToForm()) };
        request.Headers.Add("DPoP", _key.Create("POST", Broker.Options.Issuer.TrimEnd('/') + "/oauth2/token", Broker.Now));
        var reply = await Broker.SendAsync(request);
        Assert.Equal("DPoP", reply.Member("token_type"));
        return Expect.Issued(reply);
    }

    private Task<HttpResponseMessage> CallWithProofAsync(string credential, string? proof, string scheme = "DPoP", string path = "stripe/v1/charges/ch_1") =>
        CallAsync(HttpMethod.Get, path, null, configure: r =>
        {
            r.Headers.Authorization = new AuthenticationHeaderValue(scheme, credential);
            if (proof is not null)
            {
                r.Headers.Add("DPoP", proof);
            }
        });

    [Fact]
    public async Task Proxy_DpopBoundCredentialWithFreshProof_IsForwardedWithoutTheProof()
    {
        var credential = await BoundCredentialAsync();

        using var response = await CallWithProofAsync(credential, _key.Create("GET", CallUrl, Broker.Now, accessToken: credential));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var seen = Assert.Single(Upstream.Received);
        Assert.False(seen.Headers.ContainsKey("DPoP"));
    }

    [Fact]
    public async Task Proxy_DpopCredentialOutsideAllowList_403WithDpopChallengeNotForwarded()
    {
        var credential = await BoundCredentialAsync();
        var url = new Uri(Proxy.BaseAddress!, "stripe/v1/customers").ToString();

        using var response = await CallWithProofAsync(credential, _key.Create("GET", url, Broker.Now, accessToken: credential), path: "stripe/v1/customers");

        // RFC 6750 §3 and RFC 9449 §7.1: the 403 challenges in the scheme the credential came in, with the proof algorithms.
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var dpop = Assert.Single(response.Headers.WwwAuthenticate, c => c.Scheme == "DPoP").Parameter;
        Assert.Contains("error=\"insufficient_scope\"", dpop, StringComparison.Ordinal);
        Assert.Contains("algs=\"ES256 PS256 RS256\"", dpop, StringComparison.Ordinal);
        Assert.Empty(Upstream.Received);
    }

    [Theory]
    [InlineData("")]
    [InlineData("127.0.0.1:99999")]
    [InlineData("[::1]:70000")]
    public async Task Proxy_DpopProofWhenHostFormsNoUrl_401InvalidDpopProofNotForwarded(string host)
    {
        var credential = await BoundCredentialAsync();
        var proof = _key.Create("GET", $"http://{host}/stripe/v1/charges/ch_1", Broker.Now, accessToken: credential);
        var address = Broker.App.ProxyListener.Address!;
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(address.Host, address.Port);
        await using var stream = tcp.GetStream();

        // RFC 9449 §4.3: the proof is checked against the request's URL; a Host that forms none is a bad proof, not a 500.
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes($"GET /stripe/v1/charges/ch_1 HTTP/1.1\r\nHost: {host}\r\nAuthorization: DPoP {credential}\r\nDPoP: {proof}\r\nConnection: close\r\n\r\n"));
        using var reader = new StreamReader(stream);
        var text = await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.StartsWith("HTTP/1.1 401 ", text, StringComparison.Ordinal);
        Assert.Contains("error=\"invalid_dpop_proof\"", text, StringComparison.Ordinal);
        Assert.Contains("\"check_id\":\"proxy.not_holder\"", text, StringComparison.Ordinal);
        Assert.Empty(Upstream.Received);
    }

    [Fact]
    public async Task Proxy_DpopBoundCredentialAsBearer_401NotForwarded()
    {
        var credential = await BoundCredentialAsync();

        using var response = await CallWithProofAsync(credential, _key.Create("GET", CallUrl, Broker.Now, accessToken: credential), scheme: "Bearer");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        // RFC 9449 §7.1: the credential is DPoP-bound, so the refusal offers the DPoP scheme too.
        Assert.Contains("error=\"invalid_token\"", Assert.Single(response.Headers.WwwAuthenticate, c => c.Scheme == "DPoP").Parameter, StringComparison.Ordinal);
        Assert.Empty(Upstream.Received);
    }

    [Fact]
    public async Task Proxy_DpopBoundCredentialWithoutProof_401NotForwarded()
    {
        using var response = await CallWithProofAsync(await BoundCredentialAsync(), proof: null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        // RFC 9449 §7.1: a DPoP challenge with the error and the proof algorithms, not a Bearer one.
        var dpop = Assert.Single(response.Headers.WwwAuthenticate, c => c.Scheme == "DPoP").Parameter;
        Assert.Contains("error=\"invalid_dpop_proof\"", dpop, StringComparison.Ordinal);
        Assert.Contains("algs=\"ES256 PS256 RS256\"", dpop, StringComparison.Ordinal);
        Assert.Empty(Upstream.Received);
    }

    [Fact]
    public async Task Proxy_ReplayedProof_401SecondCallNotForwarded()
    {
        var credential = await BoundCredentialAsync();
        var proof = _key.Create("GET", CallUrl, Broker.Now, accessToken: credential);
        using var first = await CallWithProofAsync(credential, proof);

        using var replay = await CallWithProofAsync(credential, proof);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, replay.StatusCode);
        Assert.Single(Upstream.Received);
    }

    [Fact]
    public async Task Proxy_ProofFromAnotherKey_401NotForwarded()
    {
        var credential = await BoundCredentialAsync();
        using var thief = new DpopProofs();

        using var response = await CallWithProofAsync(credential, thief.Create("GET", CallUrl, Broker.Now, accessToken: credential));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(Upstream.Received);
    }

    [Fact]
    public async Task Proxy_ProofForAnotherUrlOrCredential_401NotForwarded()
    {
        var credential = await BoundCredentialAsync();
        var other = await BoundCredentialAsync();

        using var otherUrl = await CallWithProofAsync(credential, _key.Create("GET", CallUrl.Replace("ch_1", "ch_2", StringComparison.Ordinal), Broker.Now, accessToken: credential));
        using var otherToken = await CallWithProofAsync(credential, _key.Create("GET", CallUrl, Broker.Now, accessToken: other));
        using var signedWrong = await CallWithProofAsync(credential, _key.Create("GET", CallUrl, Broker.Now, accessToken: credential, signWith: new SigningCredentials(new DpopProofs().Key, SecurityAlgorithms.EcdsaSha256)));

        Assert.Equal(HttpStatusCode.Unauthorized, otherUrl.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, otherToken.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, signedWrong.StatusCode);
        Assert.Empty(Upstream.Received);
    }

    [Fact]
    public async Task Invariant7_TwoDpopProofs_401InvalidDpopProofNotForwarded()
    {
        // RFC 9449 §4.3 step 1: "there is not more than one DPoP HTTP request header field".
        var credential = await BoundCredentialAsync();
        string[][] shapes =
        [
            [_key.Create("GET", CallUrl, Broker.Now, accessToken: credential), _key.Create("GET", CallUrl, Broker.Now, accessToken: credential)],
            [_key.Create("GET", CallUrl, Broker.Now, accessToken: credential) + ", " + _key.Create("GET", CallUrl, Broker.Now, accessToken: credential)],
            [""],
        ];

        foreach (var proofs in shapes)
        {
            using var response = await CallAsync(HttpMethod.Get, "stripe/v1/charges/ch_1", null, configure: r =>
            {
                r.Headers.Authorization = new AuthenticationHeaderValue("DPoP", credential);
                r.Headers.TryAddWithoutValidation("DPoP", proofs);
            });

            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Contains("error=\"invalid_dpop_proof\"", Assert.Single(response.Headers.WwwAuthenticate, c => c.Scheme == "DPoP").Parameter, StringComparison.Ordinal);
        }

        Assert.Empty(Upstream.Received);
    }

    [Fact]
    public async Task Invariant7_ProofWithLowerCaseHtmOrPrivateJwk_401NotForwarded()
    {
        // RFC 9449 §4.3 step 8 (htm matches the case-sensitive method) and §4.2 (the jwk "MUST NOT contain a private key").
        var credential = await BoundCredentialAsync();

        using var lowerCase = await CallWithProofAsync(credential, _key.Create("get", CallUrl, Broker.Now, accessToken: credential));
        using var privateJwk = await CallWithProofAsync(credential, _key.Create("GET", CallUrl, Broker.Now, accessToken: credential, jwk: _key.PrivateJwkMembers()));

        Assert.Equal(HttpStatusCode.Unauthorized, lowerCase.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, privateJwk.StatusCode);
        Assert.Empty(Upstream.Received);
    }

    [Fact]
    public async Task Rfc9449_CallWithAQuery_ProofComparedWithoutIt()
    {
        // RFC 9449 §4.3 step 9: htu matches the request's URI "ignoring any query and fragment parts".
        var credential = await BoundCredentialAsync();

        using var response = await CallWithProofAsync(credential, _key.Create("GET", CallUrl, Broker.Now, accessToken: credential), path: "stripe/v1/charges/ch_1?expand=customer");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(Upstream.Received);
    }

    public void Dispose() => _key.Dispose();
}
