using System.Net;
using System.Text.RegularExpressions;

namespace Mandate.Server.Tests.Proxy;

/// <summary>
/// The tool's own address never reaches the agent through the proxy: a client following it would go past the
/// proxy's credential, allow-list and audit. A Location under the tool's upstream comes back as the proxy path that
/// reaches it (as nginx's proxy_redirect default does); one elsewhere on the tool's origin is refused; one on another
/// origin is the tool's to give. Alt-Svc (RFC 7838) and HTTP2-Settings (RFC 9113 §3.1) never cross.
/// </summary>
public sealed partial class ProxyUpstreamAddressTests : ProxyTest
{
    private string UpstreamBase => Upstream.Address.ToString().TrimEnd('/') + "/stripe-api";

    [Theory]
    [InlineData(302, "{base}/v1/charges/ch_2", "/stripe/v1/charges/ch_2")]
    [InlineData(303, "{base}/v1/charges/ch_2?expand=refunds", "/stripe/v1/charges/ch_2?expand=refunds")]
    [InlineData(307, "/stripe-api/v1/charges/ch_2", "/stripe/v1/charges/ch_2")]
    [InlineData(301, "ch_2", "/stripe/v1/charges/ch_2")]
    [InlineData(201, "{base}/v1/charges/ch_9", "/stripe/v1/charges/ch_9")]
    public async Task Proxy_LocationUnderTheToolsUpstream_RelayedAsTheProxyPathThatReachesIt(int status, string location, string expected)
    {
        var credential = await StripeCredentialAsync();

        var (answered, text) = await AnswerAsync(credential, status, "Location: " + location.Replace("{base}", UpstreamBase, StringComparison.Ordinal));

        Assert.Equal(status, answered);
        Assert.Equal(expected, LocationOf(text));
        Assert.DoesNotContain(Upstream.Address.Authority, text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{origin}/admin/keys")]
    [InlineData("/internal/metrics")]
    [InlineData("{origin}/stripe-api-internal/v1")]
    [InlineData("https://{authority}/stripe-api/v1/charges/ch_2")]
    public async Task Proxy_LocationOnTheToolsOriginOutsideItsUpstream_502NoLocation(string location)
    {
        var credential = await StripeCredentialAsync();

        var (status, text) = await AnswerAsync(credential, 302, "Location: " + location.Replace("{origin}", Upstream.Address.ToString().TrimEnd('/'), StringComparison.Ordinal).Replace("{authority}", Upstream.Address.Authority, StringComparison.Ordinal));

        Assert.Equal(502, status);
        Assert.Null(LocationOf(text));
        Assert.Contains("\"check_id\":\"proxy.upstream_location\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain(Upstream.Address.Authority, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Proxy_TwoLocations_502NoLocation()
    {
        var credential = await StripeCredentialAsync();

        var (status, text) = await AnswerAsync(credential, 302, $"Location: {UpstreamBase}/v1/a", "Location: https://cdn.example/b");

        Assert.True(status == 502, text);
        Assert.Null(LocationOf(text));
    }

    [Fact]
    public async Task Proxy_LocationOnAnotherOrigin_RelayedAsItIs()
    {
        var credential = await StripeCredentialAsync();

        var (status, text) = await AnswerAsync(credential, 302, "Location: https://files.example/exports/1.csv?sig=abc");

        Assert.Equal(302, status);
        Assert.Equal("https://files.example/exports/1.csv?sig=abc", LocationOf(text));
    }

    [Fact]
    public async Task Invariant8_LocationUnderTheUpstreamEchoingTheSecret_RelocatedWithTheSecretRedacted()
    {
        // A key with characters a URI escapes ('{', '}') beside one it keeps in a query ('+'): relocated, the
        // Location carries it partly escaped, a form the scrubber does not know, unless it was scrubbed first.
        var secret = "key+with{braces}_" + Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));
        using (var admin = Broker.Admin())
        {
            await admin.SetSecretAsync("stripe", System.Text.Encoding.UTF8.GetBytes(secret));
        }

        var credential = await StripeCredentialAsync();

        var (status, text) = await AnswerAsync(credential, 302, $"Location: {UpstreamBase}/v1/charges/ch_2?key={UpstreamServer.Injected}");

        Assert.Equal(302, status);
        Assert.Equal(secret, Assert.Single(Upstream.Received).Headers["X-Api-Key"]);
        Assert.StartsWith("/stripe/v1/charges/ch_2?key=", LocationOf(text), StringComparison.Ordinal);
        // Every encoding of the key spells "braces" as it is.
        Assert.DoesNotContain("braces", text, StringComparison.Ordinal);
        Assert.DoesNotContain("braces", await Broker.AuditTableTextAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Proxy_AltSvcAndHttp2Settings_NotRelayedEitherWay()
    {
        var credential = await StripeCredentialAsync();

        var (status, text) = await AnswerAsync(credential, 200, $"Alt-Svc: h2=\"{Upstream.Address.Authority}\"", "HTTP2-Settings: AAMAAABkAAQAoAAA");
        _ = await RawAsync("/stripe/v1/charges/ch_1", credential, "HTTP2-Settings: AAMAAABkAAQAoAAA\r\n");

        Assert.Equal(200, status);
        Assert.DoesNotContain("Alt-Svc", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("HTTP2-Settings", text, StringComparison.OrdinalIgnoreCase);
        Assert.All(Upstream.Received, r => Assert.False(r.Headers.ContainsKey("HTTP2-Settings"), "HTTP2-Settings was forwarded"));
    }

    private Task<(int Status, string Text)> AnswerAsync(string credential, int status, params string[] fields) =>
        RawAsync("/stripe/v1/charges/ch_1", credential, $"{UpstreamServer.AnswerStatus}: {status}\r\n" + string.Concat(fields.Select((f, i) => $"{UpstreamServer.AnswerField}-{i}: {f}\r\n")));

    private static string? LocationOf(string response) => LocationField().Match(response) is { Success: true } m ? m.Groups[1].Value.Trim() : null;

    [GeneratedRegex(@"^Location:\s*(.*?)\r$", RegexOptions.Multiline | RegexOptions.IgnoreCase)]
    private static partial Regex LocationField();
}
