using System.IO.Compression;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Mandate.Server.Tests.Proxy;

/// <summary>
/// The proxy asks for <c>Accept-Encoding: identity</c> so that it can scrub the injected secret from the body; an
/// upstream that compresses anyway (RFC 9110 §12.5.3: a coding not listed is not acceptable) is not relayed.
/// </summary>
public sealed class ProxyCompressedResponseTests
{
    [Theory]
    [InlineData("gzip")]
    [InlineData("GZIP")]
    [InlineData("br")]
    [InlineData("identity, gzip")]
    public async Task Invariant8_UpstreamCompressesTheSecretAnyway_502AndNothingRelayed(string coding)
    {
        await using var harness = await ForwarderHarness.StartAsync(EchoSecretCompressed(coding), call => call);

        using var response = await harness.Client.GetAsync(harness.Address);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.False(response.Content.Headers.Contains("Content-Encoding"));
        var problem = await response.Content.ReadAsStringAsync();
        Assert.Contains("\"check_id\":\"proxy.upstream_compressed\"", problem, StringComparison.Ordinal);
        Assert.Contains("Accept-Encoding: identity", problem, StringComparison.Ordinal);
        Assert.DoesNotContain(ForwarderHarness.Secret, problem, StringComparison.Ordinal);
        Assert.False(Assert.Single(harness.Calls).Forwarded);
    }

    [Theory]
    [InlineData("gzip, chunked")]
    [InlineData("GZIP , Chunked")]
    [InlineData("x-custom, chunked")]
    public async Task Invariant8_UpstreamAppliesATransferCodingBesidesChunked_502AndNothingRelayed(string codings)
    {
        // RFC 9112 §7.4: codings besides chunked are for a client that offered them in TE, which the proxy never sends;
        // the client decodes only chunked, so the secret would pass the scrubber in bytes it cannot read.
        await using var raw = RawUpstream.Start($"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: {codings}\r\n\r\n{Chunked(Gzip($"{{\"echo\":\"{ForwarderHarness.Secret}\"}}"))}");
        await using var harness = await ForwarderHarness.InFrontOfAsync(raw);

        using var response = await harness.Client.GetAsync(harness.Address);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadAsStringAsync();
        Assert.Contains("\"check_id\":\"proxy.upstream_compressed\"", problem, StringComparison.Ordinal);
        Assert.DoesNotContain(ForwarderHarness.Secret, problem, StringComparison.Ordinal);
        Assert.Equal(1, raw.Requests);
        Assert.False(Assert.Single(harness.Calls).Forwarded);
    }

    [Fact]
    public async Task UpstreamSaysIdentity_BodyIsRelayedScrubbed()
    {
        await using var harness = await ForwarderHarness.StartAsync(
            async http =>
            {
                http.Response.Headers.ContentEncoding = "identity";
                await http.Response.WriteAsync($"key={ForwarderHarness.Secret}");
            },
            call => call);

        using var response = await harness.Client.GetAsync(harness.Address);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($"key={new string('*', ForwarderHarness.Secret.Length)}", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task HeadAnswerNamingACoding_HasNoBodyAndIsRelayed()
    {
        await using var harness = await ForwarderHarness.StartAsync(
            http =>
            {
                http.Response.Headers.ContentEncoding = "gzip";
                return Task.CompletedTask;
            },
            call => call);

        using var response = await harness.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, harness.Address));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("gzip", Assert.Single(response.Content.Headers.ContentEncoding));
        Assert.True(Assert.Single(harness.Calls).Forwarded);
    }

    private static byte[] Gzip(string text)
    {
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(Encoding.UTF8.GetBytes(text));
        }

        return compressed.ToArray();
    }

    /// <summary>One chunk and the last chunk (RFC 9112 §7.1), as Latin-1 text whose characters are the bytes.</summary>
    private static string Chunked(byte[] data) => $"{data.Length:X}\r\n{Encoding.Latin1.GetString(data)}\r\n0\r\n\r\n";

    /// <summary>An upstream that ignores the proxy's Accept-Encoding and compresses a body echoing the secret.</summary>
    private static RequestDelegate EchoSecretCompressed(string coding) => async http =>
    {
        var compressed = Gzip($"{{\"echo\":\"{ForwarderHarness.Secret}\"}}");
        http.Response.ContentType = "application/json";
        http.Response.Headers.ContentEncoding = coding;
        http.Response.ContentLength = compressed.Length;
        await http.Response.Body.WriteAsync(compressed);
    };
}
