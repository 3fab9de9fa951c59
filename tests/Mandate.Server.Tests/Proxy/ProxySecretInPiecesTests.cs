using System.Net;

namespace Mandate.Server.Tests.Proxy;

/// <summary>
/// The injected secret does not reach the agent in pieces either: not as most of its start at the end of a body. A real broker in front of <see cref="UpstreamServer"/>.
/// </summary>
public sealed class ProxySecretInPiecesTests : ProxyTest
{
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
