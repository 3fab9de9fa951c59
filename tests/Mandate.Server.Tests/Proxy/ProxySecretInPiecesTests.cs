using System.Net;
using Mandate.Core.Audit;

namespace Mandate.Server.Tests.Proxy;

/// <summary>
/// The injected secret does not reach the agent in pieces either: not through byte ranges of an answer that echoes it, nor
/// as most of its start at the end of a body. A real broker in front of <see cref="UpstreamServer"/>.
/// </summary>
public sealed class ProxySecretInPiecesTests : ProxyTest
{
    [Fact]
    public async Task Invariant8_SecretInjected_RangeAndIfRangeAreNotForwarded()
    {
        // RFC 9110 §14.2: a server MAY ignore Range, so the agent gets the whole answer (scrubbed) instead of ten bytes of it.
        var credential = await StripeCredentialAsync();

        using var response = await CallAsync(HttpMethod.Get, "stripe/v1/echo-secret", credential, configure: r =>
        {
            r.Headers.TryAddWithoutValidation("Range", "bytes=0-9");
            r.Headers.TryAddWithoutValidation("If-Range", "\"v1\"");
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var seen = Assert.Single(Upstream.Received);
        Assert.False(seen.Headers.ContainsKey("Range"));
        Assert.False(seen.Headers.ContainsKey("If-Range"));
        Assert.Equal(Secret, seen.Headers["X-Api-Key"]);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal($"{{\"echo\":\"{new string('*', Secret.Length)}\",\"again\":\"{new string('*', Secret.Length)}\"}}", body);
        await AssertSecretNowhereAsync(body);
    }

    [Theory]
    [InlineData("206", "Content-Range: bytes 0-9/100")]
    [InlineData("200", "Content-Type: multipart/byteranges; boundary=part")]
    [InlineData("200", "Content-Type: MULTIPART/BYTERANGES ; boundary=part")]
    public async Task Invariant8_UpstreamAnswersAPartNeverAskedFor_502ProblemAndNothingRelayed(string status, string field)
    {
        // RFC 9110 §15.3.7: a 206 answers a Range request; the proxy sent none, so a part is no answer it can scrub whole.
        var credential = await StripeCredentialAsync();

        using var response = await CallAsync(HttpMethod.Get, "stripe/v1/charges/ch_1", credential, configure: r =>
        {
            r.Headers.TryAddWithoutValidation(UpstreamServer.AnswerStatus, status);
            r.Headers.TryAddWithoutValidation($"{UpstreamServer.AnswerField}-0", field);
            r.Headers.TryAddWithoutValidation($"{UpstreamServer.AnswerField}-1", $"X-Echo: {UpstreamServer.Injected}");
        });

        var problem = await ProblemAsync(response, HttpStatusCode.BadGateway);
        Assert.Equal("proxy.upstream_partial", CheckId(problem));
        Assert.False(response.Headers.Contains("X-Echo"));
        Assert.False(response.Content.Headers.Contains("Content-Range"));
        Assert.Single(Upstream.Received);
        var audited = Assert.Single(await Broker.AuditEventsAsync(EgressAuditKinds.ProxyCall));
        Assert.Equal(("refused", "502", "proxy.upstream_partial"), (audited.Outcome, audited.Evidence["status"], audited.Evidence["check_id"]));
        await AssertSecretNowhereAsync(problem, response.Headers.ToString());
    }

    [Fact]
    public async Task Invariant8_UpstreamBodyEndsInMostOfTheSecret_ThatTailIsMaskedAndTheLengthKept()
    {
        var credential = await StripeCredentialAsync();
        var cut = Secret.Length - 1;

        using var response = await CallAsync(HttpMethod.Get, $"stripe/v1/echo-cut?n={cut}", credential);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal("{\"echo\":\"" + new string('*', cut), body);
        Assert.Equal(body.Length, response.Content.Headers.ContentLength);
        Assert.Equal(Secret, Assert.Single(Upstream.Received).Headers["X-Api-Key"]);
        var piece = Secret[..Mandate.Server.Proxy.SecretScrubber.MinCutBytes(Secret.Length)];
        Assert.DoesNotContain(piece, body, StringComparison.Ordinal);
        Assert.DoesNotContain(piece, await Broker.AuditTableTextAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(piece, Broker.Logs.Text, StringComparison.Ordinal);
        await AssertSecretNowhereAsync(body);
    }
}
