using System.Net;
using Mandate.Server.Proxy;
using Microsoft.AspNetCore.Http;

namespace Mandate.Server.Tests.Proxy;

/// <summary>
/// Scripted upstream answers (<see cref="RawUpstream"/>) that end in a cut-off secret, however the body ends, and the byte
/// ranges of a call whose injected value is the agent's own credential, through <see cref="ForwarderHarness"/>.
/// </summary>
public sealed class ForwarderSecretInPiecesTests
{
    private const string Echo = "{\"echo\":\"";
    private const string WithLength = "Content-Length: {length}\r\n\r\n{body}";
    private static readonly int MinCut = SecretScrubber.MinCutBytes(ForwarderHarness.Secret.Length);

    public static TheoryData<string, bool> Framings => new()
    {
        { WithLength, false },
        { "Transfer-Encoding: chunked\r\n\r\n{length:X}\r\n{body}\r\n0\r\n\r\n", false },
        { "Connection: close\r\n\r\n{body}", true },
    };

    [Theory]
    [MemberData(nameof(Framings))]
    public async Task Invariant8_BodyEndsInAllButTheLastCharacterOfTheSecret_ThatTailIsMasked(string framing, bool closes)
    {
        var cut = ForwarderHarness.Secret.Length - 1;
        await using var raw = RawUpstream.Start(Answer(framing, Echo + ForwarderHarness.Secret[..cut]), closes);
        await using var harness = await ForwarderHarness.InFrontOfAsync(raw);

        using var response = await harness.Client.GetAsync(harness.Address);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(Echo + new string('*', cut), body);
        Assert.DoesNotContain(ForwarderHarness.Secret[..MinCut], body, StringComparison.Ordinal);
        var call = Assert.Single(harness.Calls);
        Assert.True(call.Forwarded);
        Assert.Null(call.Refusal);
    }

    [Fact]
    public async Task Invariant8_BodyEndsInAStartOfTheSecret_MaskedFromHalfTheSecretOn()
    {
        // The documented threshold: a start under half the secret (at least 4 bytes) may be ordinary text and is relayed.
        for (var cut = MinCut - 1; cut <= MinCut; cut++)
        {
            var sent = Echo + ForwarderHarness.Secret[..cut];
            await using var raw = RawUpstream.Start(Answer(WithLength, sent));
            await using var harness = await ForwarderHarness.InFrontOfAsync(raw);

            using var response = await harness.Client.GetAsync(harness.Address);

            Assert.Equal(cut < MinCut ? sent : Echo + new string('*', cut), await response.Content.ReadAsStringAsync());
            Assert.Equal(sent.Length, response.Content.Headers.ContentLength);
        }
    }

    [Fact]
    public async Task AgentsOwnCredentialInjected_RangeGoesUpstreamAndThePartIsRelayed()
    {
        string? range = null;
        await using var harness = await ForwarderHarness.StartAsync(
            async http =>
            {
                range = http.Request.Headers.Range;
                http.Response.StatusCode = StatusCodes.Status206PartialContent;
                http.Response.Headers.ContentRange = "bytes 0-1/10";
                await http.Response.WriteAsync("ok");
            },
            call => call with { InjectsAgentCredential = true });
        using var request = new HttpRequestMessage(HttpMethod.Get, harness.Address);
        request.Headers.TryAddWithoutValidation("Range", "bytes=0-1");

        using var response = await harness.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal("bytes=0-1", range);
        Assert.Equal("ok", await response.Content.ReadAsStringAsync());
    }

    private static string Answer(string framing, string body) =>
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
        + framing.Replace("{length:X}", body.Length.ToString("X", System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{length}", body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{body}", body, StringComparison.Ordinal);
}
