using System.Diagnostics;
using Mandate.Core.Audit;
using Mandate.Server.Telemetry;
using Mandate.Server.Tests.Harness;

namespace Mandate.Server.Tests.Telemetry;

/// <summary>
/// W3C Trace Context from a hostile caller while telemetry is on: a <c>traceparent</c> the receiver must ignore starts
/// a trace of Mandate's own, a hostile <c>tracestate</c> never costs the caller its trace, no request is answered with a
/// 500, and the audit record names exactly the trace its span is in.
/// </summary>
[Trait("Invariant", "7")]
public sealed class HostileTraceContextTests : TelemetryTest
{
    private const string CallerTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
    private const string CallerSpan = "00f067aa0ba902b7";

    // The caller's headers exactly as written: the test process's own HttpClient span must not replace them.
    private static readonly HttpClient Caller = new(new SocketsHttpHandler { ActivityHeadersPropagator = null });

    [Theory]
    [InlineData("not-a-traceparent")]
    [InlineData("00-00000000000000000000000000000000-" + CallerSpan + "-01")] // §3.2.2.3: all-zero trace-id, MUST ignore
    [InlineData("00-" + CallerTrace + "-0000000000000000-01")] // §3.2.2.4: all-zero parent-id, MUST ignore
    [InlineData("ff-" + CallerTrace + "-" + CallerSpan + "-01")] // §3.2.2.1: version ff is invalid
    [InlineData("00-4BF92F3577B34DA6A3CE929D0E0E4736-" + CallerSpan + "-01")] // §3.2.2.3: HEXDIGLC only
    [InlineData("00-" + CallerTrace + "-00F067AA0BA902B7-01")] // §3.2.2.4: HEXDIGLC only
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e473g-" + CallerSpan + "-01")]
    [InlineData("00-" + CallerTrace + "-" + CallerSpan + "-01-extra")] // version 00 has exactly four fields
    [InlineData("00-" + CallerTrace + "-" + CallerSpan)]
    [InlineData("00-" + CallerTrace + "-" + CallerSpan + ".01")] // §3.2: the fields are separated by dashes
    [InlineData("01-" + CallerTrace + "-" + CallerSpan + "-01x")] // §4.3: a higher version's flags end or meet a dash
    public async Task Invariant7_TraceparentToIgnore_ExchangeServed_RecordNamesTheSpansOwnTrace(string traceParent)
    {
        // W3C Trace Context §3.2.2.3: "If the trace-id value is invalid ... vendors MUST ignore the traceparent."
        var reply = await ExchangeAsync(r => r.Headers.TryAddWithoutValidation("traceparent", traceParent));

        Expect.Issued(reply);
        var span = ExchangeSpan();
        Assert.NotEqual(CallerTrace, span.TraceId.ToHexString(), StringComparer.OrdinalIgnoreCase);
        Assert.NotEqual(CallerSpan, ServerSpanOf(span).ParentSpanId.ToHexString(), StringComparer.OrdinalIgnoreCase);
        await AssertRecordsNameTheTraceOfAsync(span);
    }

    [Theory]
    [InlineData("oversized")]
    [InlineData("many-members")]
    [InlineData("malformed")]
    [InlineData("two-headers")]
    [InlineData("empty")]
    public async Task Invariant7_HostileTracestate_CallersTraceIsStillContinued(string shape)
    {
        // W3C Trace Context §3.3: "failure to parse tracestate MUST NOT affect the parsing of traceparent."
        var reply = await ExchangeAsync(r =>
        {
            r.Headers.TryAddWithoutValidation("traceparent", $"00-{CallerTrace}-{CallerSpan}-01");
            foreach (var value in TraceState(shape))
            {
                r.Headers.TryAddWithoutValidation("tracestate", value);
            }
        });

        Expect.Issued(reply);
        var span = ExchangeSpan();
        Assert.Equal(CallerTrace, span.TraceId.ToHexString());
        Assert.Equal(CallerSpan, ServerSpanOf(span).ParentSpanId.ToHexString());
        await AssertRecordsNameTheTraceOfAsync(span);
    }

    [Theory]
    [InlineData("01-" + CallerTrace + "-" + CallerSpan + "-01")]
    [InlineData("cc-" + CallerTrace + "-" + CallerSpan + "-01-a-field-of-a-future-version")]
    public async Task TraceparentOfAFutureVersion_CallersTraceIsContinued(string traceParent)
    {
        // W3C Trace Context §4.3: a higher version whose first 55 characters parse as version 00 is used as such.
        Expect.Issued(await ExchangeAsync(r => r.Headers.TryAddWithoutValidation("traceparent", traceParent)));

        var span = ExchangeSpan();
        Assert.Equal(CallerTrace, span.TraceId.ToHexString());
        Assert.Equal(CallerSpan, ServerSpanOf(span).ParentSpanId.ToHexString());
        await AssertRecordsNameTheTraceOfAsync(span);
    }

    [Fact]
    public async Task Invariant7_TwoTraceparentHeaders_ExchangeServed_RecordNamesTheSpansOwnTrace()
    {
        var other = ActivityTraceId.CreateRandom().ToHexString();

        var reply = await ExchangeAsync(r =>
        {
            r.Headers.TryAddWithoutValidation("traceparent", $"00-{CallerTrace}-{CallerSpan}-01");
            r.Headers.TryAddWithoutValidation("traceparent", $"00-{other}-{CallerSpan}-01");
        });

        Expect.Issued(reply);
        var span = ExchangeSpan();
        await AssertRecordsNameTheTraceOfAsync(span);
    }

    private static IEnumerable<string> TraceState(string shape) => shape switch
    {
        "oversized" => [$"vendor={new string('a', 256)}," + string.Join(',', Enumerable.Range(0, 20).Select(i => $"k{i}={new string('v', 200)}"))],
        "many-members" => [string.Join(',', Enumerable.Range(0, 200).Select(i => $"vendor{i}=value{i}"))],
        "malformed" => ["=,,==;;{}\"\\ ,UPPER=1,\tkey=val ue=,@@@"],
        "two-headers" => ["congo=t61rcWkgMzE", "rojo=00f067aa0ba902b7"],
        "empty" => [""],
        _ => throw new ArgumentOutOfRangeException(nameof(shape)),
    };

    private async Task<OAuthReply> ExchangeAsync(Action<HttpRequestMessage> headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Broker.App.BaseAddress, "oauth2/token"))
        {
            Content = new FormUrlEncodedContent(Broker.RefundRequest().ToForm()),
        };
        headers(request);
        using var response = await Caller.SendAsync(request);
        return await OAuthReply.ReadAsync(response);
    }

    private Activity ExchangeSpan() => Assert.Single(Eventually(() => Spans(MandateSpan.Exchange)));

    private Activity ServerSpanOf(Activity span) => Assert.Single(AllSpans(), s => s.SpanId == span.ParentSpanId);

    private async Task AssertRecordsNameTheTraceOfAsync(Activity span)
    {
        var events = (await Broker.ReadAuditAsync()).Select(r => r.Event).ToList();
        Assert.Equal(span.TraceId.ToHexString(), Assert.Single(events, e => e.Kind == AuditKinds.Issuance).TraceId);
        Assert.All(events.Where(e => e.TraceId is not null), e => Assert.Equal(span.TraceId.ToHexString(), e.TraceId));
    }
}
