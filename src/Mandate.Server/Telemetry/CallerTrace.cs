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

        return ActivityContext.TryParse(traceParent[0], TraceStateList.Valid(headers.TraceState), isRemote: true, out var context)
            ? context
            : null;
    }

    private static async Task RunAsync(HttpContext http, RequestDelegate next, ActivityContext parent)
    {
        using var activity = new Activity(ActivityName);
        activity.SetParentId(parent.TraceId, parent.SpanId, parent.TraceFlags);
        activity.TraceStateString = parent.TraceState;
        activity.Start();
        await next(http);
    }
}
