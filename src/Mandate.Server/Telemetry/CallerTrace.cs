using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Mandate.Server.Telemetry;

/// <summary>
/// The caller's W3C trace context while telemetry is off: a request that carries a valid <c>traceparent</c> runs under
/// an activity that continues the caller's trace, so its audit records carry the trace id the caller holds
/// (docs/audit.md). A request without one runs under no activity at all: with nothing exported and no caller's trace,
/// an id would lead nowhere, and starting one per request (as ASP.NET Core does for its log scopes, switched off in
/// <see cref="Hosting.MandateServer"/>) costs every exchange.
/// </summary>
internal static class CallerTrace
{
    private const string ActivityName = "Mandate.CallerTrace";

    /// <summary>Adds the middleware first in the pipeline; only while telemetry is off (the SDK continues the trace otherwise).</summary>
    public static void UseCallerTrace(this IApplicationBuilder app) =>
        app.Use(next => http => Continue(http.Request.Headers) is { } parent ? RunAsync(http, next, parent) : next(http));

    /// <summary>The caller's trace context; null when it sent none or one that is not valid W3C trace context.</summary>
    internal static ActivityContext? Continue(IHeaderDictionary headers)
    {
        var traceParent = headers.TraceParent;
        if (traceParent.Count != 1)
        {
            return null;
        }

        return AsVersion00(traceParent[0]) is { } parent
            && ActivityContext.TryParse(parent, TraceStateList.Valid(headers.TraceState), isRemote: true, out var context)
            ? context
            : null;
    }

    /// <summary>
    /// The header as version 00 reads it (W3C Trace Context §3.2.2, §4.3), or null: a higher version is used when its
    /// first 55 characters have version 00's layout and are followed by the end or a dash, keeping only the sampled
    /// flag (its other bits may mean something else there). The dashes are checked here; the fields' hex, by TryParse.
    /// </summary>
    internal static string? AsVersion00(string? value)
    {
        const int Length = 55;
        if (value is null || value.Length < Length || value[2] != '-' || value[35] != '-' || value[52] != '-'
            || !IsLowerHex(value[0]) || !IsLowerHex(value[1]) || value.StartsWith("ff", StringComparison.Ordinal))
        {
            return null;
        }

        if (value.StartsWith("00", StringComparison.Ordinal))
        {
            return value.Length == Length ? value : null;
        }

        if ((value.Length > Length && value[Length] != '-') || !IsLowerHex(value[53]) || !IsLowerHex(value[54]))
        {
            return null;
        }

        var sampled = (Convert.ToByte(value.Substring(53, 2), 16) & (byte)ActivityTraceFlags.Recorded) != 0;
        return string.Concat("00", value.AsSpan(2, 51), sampled ? "01" : "00");
    }

    private static bool IsLowerHex(char c) => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f';

    private static async Task RunAsync(HttpContext http, RequestDelegate next, ActivityContext parent)
    {
        using var activity = new Activity(ActivityName);
        activity.SetParentId(parent.TraceId, parent.SpanId, parent.TraceFlags);
        activity.TraceStateString = parent.TraceState;
        activity.Start();
        await next(http);
    }
}
