using System.Net;
using System.Text;
using Mandate.Core.Audit;
using Mandate.Server.Tests.Harness;
using Mandate.Server.Tests.Proxy;
using Mandate.Server.Tests.Spiffe;

namespace Mandate.Server.Tests.Protocol;

/// <summary>
/// Invariant 7: a request whose body cannot be read (RFC 9112 §7.1 chunked framing broken, a chunk size that
/// overflows) is the client's fault: 400, never 5xx, on every
/// listener (the OAuth endpoints, evidence, the proxy, the admin and workload sockets), and nothing changes.
/// Sent over raw sockets to the real Kestrel server, because no HTTP client writes such framing.
/// </summary>
[Trait("Invariant", "7")]
public sealed class MalformedBodyTests : ProxyTest
{
    /// <summary>Chunked bodies (RFC 9112 §7.1) whose framing breaks while the endpoint reads them.</summary>
    private static readonly (string Name, string Body)[] BrokenBodies =
    [
        ("overflowing chunk size", "FFFFFFFFFFFFFFFFFFFFFFFF\r\n{}\r\n0\r\n\r\n"),
        ("chunk size overflowing after valid data", "2\r\n{}\r\n7FFFFFFFFFFFFFFFFF\r\n{}\r\n0\r\n\r\n"),
        ("chunk size not hex", "zz\r\n{}\r\n0\r\n\r\n"),
        ("chunk data without its CRLF", "2\r\n{}XX0\r\n\r\n"),
        ("chunk size followed by garbage", "2z\r\n{}\r\n0\r\n\r\n"),
    ];

    public static TheoryData<string> Endpoints => ["token", "introspect", "revoke", "evidence", "proxy", "admin revocations", "admin secrets", "workload jwt"];

    protected override string Configuration(Uri upstream) =>
        CiPoster.AddTo(ProxyTestBroker.Configuration(upstream)) + "\n" + SpiffeBrokerTest.SpiffeConfiguration + "\n";

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Invariant7_UnreadableBody_Returns400AndChangesNothing(string endpoint)
    {
        var (target, head) = await RequestAsync(endpoint);
        var auditBefore = (await Broker.ReadAuditAsync()).Select(r => r.Hash).ToList();
        var issuedBefore = (await Broker.AuditEventsAsync(AuditKinds.Issuance)).Count;

        foreach (var (name, body) in BrokenBodies)
        {
            var reply = await RawHttp.SendAsync(target, head + "Transfer-Encoding: chunked\r\n", Encoding.ASCII.GetBytes(body));

            Assert.True(reply.Status == (int)HttpStatusCode.BadRequest, $"{endpoint}, {name}: expected HTTP 400, got {reply}");
            if (endpoint is "token" or "introspect" or "revoke" or "evidence")
            {
                Assert.Contains("\"error\":\"invalid_request\"", reply.Text, StringComparison.Ordinal);
            }
        }

        // The client's fault is not logged as a server fault.
        Assert.DoesNotContain(Broker.Logs.Lines, l => l.StartsWith("Error", StringComparison.Ordinal) || l.StartsWith("Critical", StringComparison.Ordinal));

        // Only the proxy's own credential (issued to get past authentication) was ever issued.
        Assert.Equal(issuedBefore, (await Broker.AuditEventsAsync(AuditKinds.Issuance)).Count);
        Assert.Equal(0, Broker.Runtime.Revocations.Count);
        if (endpoint != "proxy")
        {
            // The proxy audits every call it refuses; everywhere else a refused request leaves no record at all.
            Assert.Equal(auditBefore, (await Broker.ReadAuditAsync()).Select(r => r.Hash));
        }
    }

    /// <summary>RFC 9112 §6.1: chunked at most once and last; no other coding is decoded, so none is accepted.</summary>
    private static readonly string[] UndecodedCodings =
    [
        "Transfer-Encoding: gzip, chunked\r\n",
        "Transfer-Encoding: chunked, chunked\r\n",
        "Transfer-Encoding: identity, chunked\r\n",
        "Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n",
    ];

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Invariant7_BodyWithATransferCodingOtherThanChunkedAlone_Returns400AndChangesNothing(string endpoint)
    {
        var (target, head) = await RequestAsync(endpoint);
        var auditBefore = (await Broker.ReadAuditAsync()).Select(r => r.Hash).ToList();
        var issuedBefore = (await Broker.AuditEventsAsync(AuditKinds.Issuance)).Count;

        foreach (var codings in UndecodedCodings)
        {
            // Well-formed chunked framing: read after Kestrel's decoding, the bytes would be another body than was sent.
            var reply = await RawHttp.SendAsync(target, head + codings, "2\r\n{}\r\n0\r\n\r\n"u8.ToArray());

            Assert.True(reply.Status == (int)HttpStatusCode.BadRequest, $"{endpoint}, {codings.Trim()}: expected HTTP 400, got {reply}");
            if (endpoint is "token" or "introspect" or "revoke" or "evidence")
            {
                Assert.Contains("\"error\":\"invalid_request\"", reply.Text, StringComparison.Ordinal);
            }
        }

        Assert.Empty(Upstream.Received);
        Assert.Equal(issuedBefore, (await Broker.AuditEventsAsync(AuditKinds.Issuance)).Count);
        Assert.Equal(0, Broker.Runtime.Revocations.Count);
        if (endpoint != "proxy")
        {
            Assert.Equal(auditBefore, (await Broker.ReadAuditAsync()).Select(r => r.Hash));
        }
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Invariant7_Http10WithTransferEncoding_Returns400FaultyFramingAndChangesNothing(string endpoint)
    {
        // RFC 9112 §6.1: an HTTP/1.0 message with Transfer-Encoding MUST be treated as having faulty framing.
        var (target, head) = await RequestAsync(endpoint);
        var auditBefore = (await Broker.ReadAuditAsync()).Select(r => r.Hash).ToList();

        var reply = await RawHttp.SendAsync(target, head.Replace(" HTTP/1.1\r\n", " HTTP/1.0\r\n", StringComparison.Ordinal) + "Transfer-Encoding: chunked\r\n", "2\r\n{}\r\n0\r\n\r\n"u8.ToArray());

        Assert.True(reply.Status == (int)HttpStatusCode.BadRequest, $"{endpoint}: expected HTTP 400, got {reply}");
        Assert.Contains(endpoint == "proxy" ? "proxy.body_malformed" : "body_unreadable", reply.Text, StringComparison.Ordinal);
        Assert.Empty(Upstream.Received);
        Assert.Equal(0, Broker.Runtime.Revocations.Count);
        if (endpoint != "proxy")
        {
            Assert.Equal(auditBefore, (await Broker.ReadAuditAsync()).Select(r => r.Hash));
        }
    }

    [Fact]
    public async Task Invariant7_ValidExchangeFormLabelledGzip_IsRefusedNotReadAsPlainText()
    {
        // Before the rule, Kestrel removed the chunked framing and the form behind "gzip" was read as if uncoded.
        var (target, head) = await RequestAsync("token");
        var form = Encoding.ASCII.GetBytes(RawRequests.ValidExchangeBody(Broker));
        var chunked = Encoding.ASCII.GetBytes($"{form.Length:X}\r\n").Concat(form).Concat("\r\n0\r\n\r\n"u8.ToArray()).ToArray();

        var reply = await RawHttp.SendAsync(target, head + "Transfer-Encoding: gzip, chunked\r\n", chunked);

        Assert.True(reply.Status == (int)HttpStatusCode.BadRequest, reply.ToString());
        Assert.Contains("\"check_id\":\"request.body_unreadable\"", reply.Text, StringComparison.Ordinal);
        Assert.Empty(await Broker.AuditEventsAsync(AuditKinds.Issuance));
    }

    /// <summary>JSON bodies that are not text (RFC 8259 §8.1: UTF-8; §8.2: strings of Unicode characters) or nest too deep.</summary>
    private static readonly (string Name, byte[] Body)[] NotTextBodies =
    [
        ("invalid UTF-8 in a value", [.. "{\"audience\":\""u8, 0xFF, .. "\",\"target\":\"agent\",\"value\":\"x\"}"u8]),
        ("invalid UTF-8 in a name", [.. "{\""u8, 0xC3, 0x28, .. "\":\"x\"}"u8]),
        ("lone surrogate escaped in a value", "{\"audience\":\"\\ud800\",\"target\":\"agent\",\"value\":\"\\udc00\"}"u8.ToArray()),
        ("lone surrogate escaped in a name", "{\"\\ud800\":\"x\"}"u8.ToArray()),
        ("nesting 300 deep", Encoding.ASCII.GetBytes(new string('[', 300) + new string(']', 300))),
    ];

    public static TheoryData<string> JsonEndpoints => ["evidence", "admin revocations", "workload jwt"];

    [Theory]
    [MemberData(nameof(JsonEndpoints))]
    public async Task Invariant7_JsonThatIsNotText_Returns400AndChangesNothing(string endpoint)
    {
        var (target, head) = await RequestAsync(endpoint);
        var auditBefore = (await Broker.ReadAuditAsync()).Select(r => r.Hash).ToList();

        foreach (var (name, body) in NotTextBodies)
        {
            var reply = await RawHttp.SendAsync(target, head + $"Content-Length: {body.Length}\r\n", body);

            Assert.True(reply.Status == (int)HttpStatusCode.BadRequest, $"{endpoint}, {name}: expected HTTP 400, got {reply}");
        }

        Assert.Equal(0, Broker.Runtime.Revocations.Count);
        Assert.Equal(auditBefore, (await Broker.ReadAuditAsync()).Select(r => r.Hash));
    }

    /// <summary>The same fact with a member given twice (RFC 8259 §4; RFC 7493 §2.3): which value counts depends on the reader.</summary>
    public static TheoryData<string> FactsWithAMemberTwice =>
    [
        """{"kind":"eval","subject":"acme/shop@4f2a9c1","result":"fail","result":"pass"}""",
        """{"kind":"eval","subject":"acme/shop@4f2a9c1","result":"fail","Result":"pass"}""",
        """{"kind":"eval","subject":"acme/shop@4f2a9c1","result":"pass","details":{"failed":3,"failed":0}}""",
    ];

    [Theory]
    [MemberData(nameof(FactsWithAMemberTwice))]
    public async Task Invariant7_EvidenceWithAMemberGivenTwice_Returns400AndRecordsNothing(string fact)
    {
        var (target, head) = await RequestAsync("evidence");
        var auditBefore = (await Broker.ReadAuditAsync()).Select(r => r.Hash).ToList();
        var body = Encoding.UTF8.GetBytes(fact);

        var reply = await RawHttp.SendAsync(target, head + $"Content-Length: {body.Length}\r\n", body);

        Assert.True(reply.Status == (int)HttpStatusCode.BadRequest, reply.ToString());
        Assert.Contains("\"check_id\":\"evidence.body_invalid\"", reply.Text, StringComparison.Ordinal);
        Assert.Contains("each member once", reply.Text, StringComparison.Ordinal);
        Assert.Equal(auditBefore, (await Broker.ReadAuditAsync()).Select(r => r.Hash));

        // The same poster's fact with each member once is recorded: the refusal was the repeated member's.
        var once = Encoding.UTF8.GetBytes("""{"kind":"eval","subject":"acme/shop@4f2a9c1","result":"pass"}""");
        var recorded = await RawHttp.SendAsync(target, head + $"Content-Length: {once.Length}\r\n", once);
        Assert.True(recorded.Status == (int)HttpStatusCode.Created, recorded.ToString());
    }

    /// <summary>RFC 9110 §8.6: <c>Content-Length = 1*DIGIT</c>; Kestrel alone read a sign ("+3" as 3, "-0" as 0).</summary>
    private static readonly string[] NotDigits = ["+3", "-0", "-3", "0x3", "3,3", "3 3", "3.0"];

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Invariant7_ContentLengthNotDigits_Returns400BeforeAnythingIsReadAndChangesNothing(string endpoint)
    {
        var (target, head) = await RequestAsync(endpoint);
        var auditBefore = (await Broker.ReadAuditAsync()).Select(r => r.Hash).ToList();
        var issuedBefore = (await Broker.AuditEventsAsync(AuditKinds.Issuance)).Count;

        foreach (var value in NotDigits)
        {
            var reply = await RawHttp.SendAsync(target, head + $"Content-Length: {value}\r\n", "{}\n"u8.ToArray());

            Assert.True(reply.Status == (int)HttpStatusCode.BadRequest, $"{endpoint}, Content-Length: {value}: expected HTTP 400, got {reply}");
        }

        // Refused before any endpoint (the proxy's too) saw the request: nothing forwarded, issued, revoked or audited.
        Assert.Equal(0, Upstream.Started);
        Assert.Equal(issuedBefore, (await Broker.AuditEventsAsync(AuditKinds.Issuance)).Count);
        Assert.Equal(0, Broker.Runtime.Revocations.Count);
        Assert.Equal(auditBefore, (await Broker.ReadAuditAsync()).Select(r => r.Hash));
    }

    [Fact]
    public async Task ContentLengthNotDigits_ClosesTheConnection_TheRestIsNeverReadAsARequest()
    {
        // RFC 9112 §6.3: an invalid Content-Length is unrecoverable framing; a request after it on the connection is not served.
        var address = Broker.App.BaseAddress;
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(address.Host, address.Port);
        await using var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes("POST /oauth2/token HTTP/1.1\r\nHost: broker\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: +3\r\n\r\na=bGET /healthz HTTP/1.1\r\nHost: broker\r\n\r\n"));
        using var reader = new StreamReader(stream, Encoding.ASCII);

        var text = await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.StartsWith("HTTP/1.1 400 ", text, StringComparison.Ordinal);
        Assert.Contains("Connection: close", text, StringComparison.OrdinalIgnoreCase);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(text, "HTTP/1.1 "));
    }

    [Theory]
    [InlineData("+{0}", HttpStatusCode.BadRequest)]
    [InlineData("0{0}", HttpStatusCode.OK)]
    [InlineData(" {0} ", HttpStatusCode.OK)]
    public async Task Invariant7_ExchangeContentLengthSpelling_OnlyDigitsAreRead(string spelling, HttpStatusCode expected)
    {
        // Leading zeros are DIGITs (RFC 9110 §8.6); spaces around a field value are not part of it (RFC 9110 §5.5); a sign is neither.
        var (target, head) = await RequestAsync("token");
        var form = Encoding.ASCII.GetBytes(RawRequests.ValidExchangeBody(Broker));

        var reply = await RawHttp.SendAsync(target, head + "Content-Length: " + string.Format(System.Globalization.CultureInfo.InvariantCulture, spelling, form.Length) + "\r\n", form);

        Assert.True(reply.Status == (int)expected, reply.ToString());
        Assert.Equal(expected == HttpStatusCode.OK ? 1 : 0, (await Broker.AuditEventsAsync(AuditKinds.Issuance)).Count);
    }

    [Fact]
    public async Task Invariant7_UnreadableBody_NextRequestOnTheBrokerStillSucceeds()
    {
        var (target, head) = await RequestAsync("token");
        await RawHttp.SendAsync(target, head + "Transfer-Encoding: chunked\r\n", Encoding.ASCII.GetBytes("FFFFFFFFFFFFFFFFFFFFFFFF\r\n"));

        Expect.Issued(await Broker.ExchangeAsync(Broker.RefundRequest()));
    }

    /// <summary>Where to send, and a request head that gets past authentication so the body is really read.</summary>
    private async Task<(EndPoint Target, string Head)> RequestAsync(string endpoint)
    {
        var broker = RawHttp.Tcp(Broker.App.BaseAddress);
        var tool = $"Authorization: Bearer {Broker.Svid(TestBroker.RefundsWorkload)}\r\n";
        const string Form = "Content-Type: application/x-www-form-urlencoded\r\n";
        const string Json = "Content-Type: application/json\r\n";
        return endpoint switch
        {
            "token" => (broker, "POST /oauth2/token HTTP/1.1\r\nHost: broker\r\n" + Form),
            "introspect" => (broker, "POST /oauth2/introspect HTTP/1.1\r\nHost: broker\r\n" + Form + tool),
            "revoke" => (broker, "POST /oauth2/revoke HTTP/1.1\r\nHost: broker\r\n" + Form + tool),
            "evidence" => (broker, "POST /evidence HTTP/1.1\r\nHost: broker\r\n" + Json + $"Authorization: Bearer {CiPoster.Token(Broker)}\r\n"),
            "proxy" => (RawHttp.Tcp(Broker.App.ProxyListener.Address!),
                "POST /stripe/v1/echo HTTP/1.1\r\nHost: proxy\r\n" + Json + $"Authorization: Bearer {await StripeCredentialAsync("refunds:write")}\r\n"),
            "admin revocations" => (RawHttp.Unix(Broker.Options.AdminSocket), "POST /admin/revocations HTTP/1.1\r\nHost: mandate-admin\r\n" + Json),
            "admin secrets" => (RawHttp.Unix(Broker.Options.AdminSocket), "PUT /admin/secrets/stripe HTTP/1.1\r\nHost: mandate-admin\r\nContent-Type: application/octet-stream\r\n"),
            "workload jwt" => (RawHttp.Unix(Broker.Options.Spiffe.WorkloadSocket), "POST /v1/svid/jwt HTTP/1.1\r\nHost: localhost\r\n" + Json),
            _ => throw new ArgumentOutOfRangeException(nameof(endpoint)),
        };
    }
}
