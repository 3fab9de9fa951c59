using System.IO.Compression;
using System.Net;
using System.Text;
using Mandate.Server.Tests.Harness;

namespace Mandate.Server.Tests.Protocol;

/// <summary>
/// RFC 9110 §8.4: a body with a content coding is not the form itself. The OAuth endpoints read the form as it
/// arrives, so a compressed one is refused with 415 (RFC 9110 §15.5.16) naming the coding they accept (RFC 7694 §3),
/// never misread as text or, labelled compressed but sent plain, taken as if the label were absent.
/// </summary>
[Trait("Invariant", "7")]
public sealed class ContentEncodingTests : BrokerTest
{
    protected override string Configuration => CiPoster.AddTo(TestBroker.Configuration);

    [Theory]
    [InlineData("gzip", true)]
    [InlineData("gzip", false)]
    [InlineData("deflate", false)]
    [InlineData("br", false)]
    [InlineData("identity, gzip", true)]
    public async Task Invariant7_TokenBodyWithAContentCoding_Returns415AndChangesNothing(string coding, bool compressed)
    {
        var form = Encoding.UTF8.GetBytes(RawRequests.ValidExchangeBody(Broker));

        var reply = await Broker.AssertAuditUnchangedAsync(() => PostAsync("oauth2/token", compressed ? Gzip(form) : form, coding));

        AssertRefused(reply);
        await Broker.AssertNothingIssuedAsync();
    }

    [Theory]
    [InlineData("oauth2/introspect")]
    [InlineData("oauth2/revoke")]
    public async Task Invariant7_IntrospectionOrRevocationCompressed_Returns415AndChangesNothing(string path)
    {
        var credential = await Broker.IssueAsync();
        var form = Encoding.UTF8.GetBytes("token=" + credential);

        var reply = await Broker.AssertAuditUnchangedAsync(() =>
            PostAsync(path, Gzip(form), "gzip", "Bearer " + Broker.Svid(TestBroker.RefundsWorkload)));

        AssertRefused(reply);
        Assert.True(IntrospectionReply.Active(await Broker.IntrospectAsync(credential, Broker.Svid(TestBroker.RefundsWorkload))), "the credential must still be active");
    }

    [Fact]
    public async Task Invariant7_EvidenceBodyCompressed_Returns415AndRecordsNothing()
    {
        var json = """{"kind":"eval","subject":"acme/shop@4f2a9c1","result":"pass"}"""u8.ToArray();

        var reply = await Broker.AssertAuditUnchangedAsync(() =>
            PostAsync("evidence", Gzip(json), "gzip", "Bearer " + CiPoster.Token(Broker), "application/json"));

        AssertRefused(reply);
    }

    [Theory]
    [InlineData("identity")]
    [InlineData("Identity")]
    public async Task Token_ContentEncodingIdentity_IsAnExchange(string coding)
    {
        var reply = await PostAsync("oauth2/token", Encoding.UTF8.GetBytes(RawRequests.ValidExchangeBody(Broker)), coding);

        Assert.True(reply.Status == HttpStatusCode.OK, reply.ToString());
    }

    private static void AssertRefused(OAuthReply reply)
    {
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, reply.Status);
        Assert.Equal("invalid_request", reply.Member("error"));
        Assert.Equal("request.unsupported_content_encoding", reply.Member("check_id"));
        Assert.Equal("identity", reply.Header("Accept-Encoding"));
    }

    private Task<OAuthReply> PostAsync(
        string path, byte[] body, string coding, string? authorization = null, string contentType = "application/x-www-form-urlencoded")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        request.Content.Headers.TryAddWithoutValidation("Content-Encoding", coding);
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        return Broker.SendAsync(request);
    }

    private static byte[] Gzip(byte[] bytes)
    {
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(bytes);
        }

        return compressed.ToArray();
    }
}
