using System.Diagnostics;
using Mandate.Core.Audit;

namespace Mandate.Core.Tests.Audit;

/// <summary>
/// An event names its request's trace only when that trace exists outside the broker: the caller started it
/// (a <c>traceparent</c>) or the broker records the span for a tracing backend.
/// </summary>
public sealed class AuditEventTraceTests
{
    private static AuditEvent NewEvent() => new() { Kind = AuditKinds.Issuance, Time = DateTimeOffset.UnixEpoch, Outcome = "issued" };

    [Fact]
    public void TraceId_OutsideAnyActivity_IsNull()
    {
        Assert.Null(Activity.Current);
        Assert.Null(NewEvent().TraceId);
    }

    [Fact]
    public void TraceId_LocalUnrecordedTrace_IsNull()
    {
        using var request = new Activity("request").SetIdFormat(ActivityIdFormat.W3C).Start();
        using var child = new Activity("exchange").Start();

        Assert.False(request.Recorded);
        Assert.Null(NewEvent().TraceId);
    }

    [Fact]
    public void TraceId_CallerSentTraceparent_IsTheCallersTraceEvenUnsampled()
    {
        var callerTrace = ActivityTraceId.CreateRandom();
        using var request = new Activity("request")
            .SetParentId($"00-{callerTrace.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-00")
            .Start();
        using var child = new Activity("exchange").Start();

        Assert.Equal(callerTrace.ToHexString(), NewEvent().TraceId);
    }

    [Fact]
    public void TraceId_RecordedLocalTrace_IsNamed()
    {
        using var request = new Activity("request").SetIdFormat(ActivityIdFormat.W3C).Start();
        request.ActivityTraceFlags = ActivityTraceFlags.Recorded;

        Assert.Equal(request.TraceId.ToHexString(), NewEvent().TraceId);
    }
}
