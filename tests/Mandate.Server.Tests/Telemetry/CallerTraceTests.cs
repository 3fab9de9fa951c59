using System.Diagnostics;
using Mandate.Core.Audit;
using Mandate.Server.Telemetry;
using Mandate.Server.Tests.Harness;
using Microsoft.AspNetCore.Http;

namespace Mandate.Server.Tests.Telemetry;

/// <summary>
/// With telemetry off, a caller's W3C <c>traceparent</c> still reaches the audit records of its request (so its trace
/// leads to them), and a request without one, or with one that is not valid trace context, names no trace.
/// </summary>
public sealed class CallerTraceTests : BrokerTest
{
    private static readonly ActivityTraceId Trace = ActivityTraceId.CreateRandom();

    [Theory]
    [InlineData("01")]
    [InlineData("00")]
    public async Task Exchange_TelemetryOff_CallerTraceparent_IssuanceRecordNamesTheCallersTrace(string flags)
    {
        var reply = await ExchangeAsync($"00-{Trace.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-{flags}");

        Expect.Issued(reply);
        var issuance = Assert.Single(await Broker.AuditEventsAsync(AuditKinds.Issuance));
        Assert.Equal(Trace.ToHexString(), issuance.TraceId);
    }

    [Fact]
    public async Task Exchange_TelemetryOff_NoTraceparent_RecordsNameNoTrace()
    {
        Expect.Issued(await ExchangeAsync(traceParent: null));

        Assert.All((await Broker.ReadAuditAsync()).Select(r => r.Event), e => Assert.Null(e.TraceId));
    }

    [Theory]
    [InlineData("not-a-traceparent")]
    [InlineData("00-00000000000000000000000000000000-00f067aa0ba902b7-01")] // all-zero trace id (W3C: invalid)
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01")] // all-zero parent id (W3C: invalid)
    [InlineData("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")] // version ff is forbidden
    [InlineData("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01")] // upper-case hex
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e47-00f067aa0ba902b7-01")] // short trace id
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7.01")] // fields not separated by dashes
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x")] // version 00 has exactly four fields
    public async Task Exchange_TelemetryOff_InvalidTraceparent_IsIgnoredAndTheExchangeStillServed(string traceParent)
    {
        Expect.Issued(await ExchangeAsync(traceParent));

        Assert.All((await Broker.ReadAuditAsync()).Select(r => r.Event), e => Assert.Null(e.TraceId));
    }

    [Theory]
    [InlineData("=,,==;;{}\"\\ ,UPPER=1,@@@")]
    [InlineData("")]
    [InlineData(null)] // oversized and over 32 members
    public async Task Exchange_TelemetryOff_HostileTracestate_CallersTraceIsStillNamed(string? traceState)
    {
        // W3C Trace Context §3.3: "failure to parse tracestate MUST NOT affect the parsing of traceparent."
        traceState ??= string.Join(',', Enumerable.Range(0, 100).Select(i => $"vendor{i}={new string('v', 100)}"));

        Expect.Issued(await ExchangeAsync($"00-{Trace.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01", traceState));

        Assert.Equal(Trace.ToHexString(), Assert.Single(await Broker.AuditEventsAsync(AuditKinds.Issuance)).TraceId);
    }

    [Theory]
    [InlineData("01", "")]
    [InlineData("cc", "")]
    [InlineData("01", "-a-field-of-a-future-version")]
    [InlineData("fe", "-")]
    public async Task Exchange_TelemetryOff_TraceparentOfAFutureVersion_IssuanceRecordNamesTheCallersTrace(string version, string rest)
    {
        // W3C Trace Context §4.3: a higher version is parsed as version 00 when its first 55 characters are one,
        // followed by the end or a dash.
        var reply = await ExchangeAsync($"{version}-{Trace.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01{rest}");

        Expect.Issued(reply);
        Assert.Equal(Trace.ToHexString(), Assert.Single(await Broker.AuditEventsAsync(AuditKinds.Issuance)).TraceId);
    }

    [Theory]
    [InlineData("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x")] // flags not followed by the end or a dash
    [InlineData("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0")] // shorter than 55 characters
    [InlineData("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7.01")] // parent-id not followed by a dash
    [InlineData("01-4bf92f3577b34da6a3ce929d0e0e4736-00F067AA0BA902B7-01")] // upper-case hex
    [InlineData("01-00000000000000000000000000000000-00f067aa0ba902b7-01")] // all-zero trace id
    [InlineData("0g-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")] // version not hex
    [InlineData("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x")] // version ff is forbidden at any length
    public void Continue_TraceparentOfAFutureVersionNotParsableAsVersion00_IsIgnored(string traceParent)
    {
        Assert.Null(CallerTrace.Continue(new HeaderDictionary { ["traceparent"] = traceParent }));
    }

    [Fact]
    public void Continue_TraceparentOfAFutureVersion_KeepsOnlyTheSampledFlag()
    {
        // §4.3: of a higher version's flags only the sampled bit is parsed; the other bits may mean something else there.
        var span = ActivitySpanId.CreateRandom();
        var headers = new HeaderDictionary { ["traceparent"] = $"02-{Trace.ToHexString()}-{span.ToHexString()}-ff-more" };

        var context = Assert.NotNull(CallerTrace.Continue(headers));

        Assert.Equal((Trace, span, ActivityTraceFlags.Recorded), (context.TraceId, context.SpanId, context.TraceFlags));
    }

    [Fact]
    public void Continue_TwoTraceparentHeaders_AreNotBelieved()
    {
        var one = $"00-{Trace.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01";
        var headers = new HeaderDictionary { ["traceparent"] = new([one, one]) };

        Assert.Null(CallerTrace.Continue(headers));
    }

    [Fact]
    public void Continue_ValidTraceparentAndTracestate_ContinuesBoth()
    {
        var span = ActivitySpanId.CreateRandom();
        var headers = new HeaderDictionary { ["traceparent"] = $"00-{Trace.ToHexString()}-{span.ToHexString()}-01", ["tracestate"] = "vendor=opaque" };

        var context = Assert.NotNull(CallerTrace.Continue(headers));

        Assert.Equal((Trace, span, ActivityTraceFlags.Recorded, "vendor=opaque", true), (context.TraceId, context.SpanId, context.TraceFlags, context.TraceState, context.IsRemote));
    }

    [Fact]
    public void Continue_TwoTracestateHeaders_AreCombinedInOrder()
    {
        // W3C Trace Context §3.3.1.2: "When receiving multiple tracestate header fields, they MUST be combined into a
        // single header according to RFC7230."
        var headers = new HeaderDictionary
        {
            ["traceparent"] = $"00-{Trace.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01",
            ["tracestate"] = new(["congo=t61rcWkgMzE", "rojo=00f067aa0ba902b7"]),
        };

        var context = Assert.NotNull(CallerTrace.Continue(headers));

        Assert.Equal("congo=t61rcWkgMzE,rojo=00f067aa0ba902b7", context.TraceState);
    }

    private async Task<OAuthReply> ExchangeAsync(string? traceParent, string? traceState = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "oauth2/token")
        {
            Content = new FormUrlEncodedContent(Broker.RefundRequest().ToForm()),
        };
        if (traceParent is not null)
        {
            request.Headers.TryAddWithoutValidation("traceparent", traceParent);
        }

        if (traceState is not null)
        {
            request.Headers.TryAddWithoutValidation("tracestate", traceState);
        }

        return await Broker.SendAsync(request);
    }
}
