using System.Diagnostics;
using System.Diagnostics.Metrics;
using Mandate.Core.Telemetry;
using Mandate.Server.Admin;
using Mandate.Server.Endpoints;
using Mandate.Server.Proxy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Mandate.Server.Telemetry;

/// <summary>
/// Starts the Mandate span of each request to an endpoint that decides something (a child of the ASP.NET Core
/// server span, itself a child of the agent's <c>traceparent</c>), so the stages' tags land on it, and records the
/// request-duration and exchange metrics. Put in the pipeline only while telemetry is on.
/// </summary>
public static class MandateSpans
{
    private static readonly Histogram<double> RequestDuration = MandateTelemetry.Meter.CreateHistogram<double>(
        "mandate.request.duration", "s", "Time Mandate took to answer a request, per endpoint");

    private static readonly Counter<long> Exchanges = MandateTelemetry.Meter.CreateCounter<long>(
        "mandate.exchanges", "{exchange}", "Token requests answered, by outcome and the check id of a refusal");

    /// <summary>Adds the span middleware first in the pipeline, ahead of the egress proxy's branch.</summary>
    public static void UseMandateSpans(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.Use(next => http => HandleAsync(http, next));
    }

    /// <summary>The span name for <paramref name="http"/>'s endpoint; null for endpoints without one (metadata, health).</summary>
    internal static string? SpanName(HttpContext http)
    {
        if (ProxyListener.IsProxyConnection(http))
        {
            return MandateSpan.ProxyCall;
        }

        var path = http.Request.Path;
        if (path.Equals(TokenEndpoint.Path, StringComparison.Ordinal))
        {
            return MandateSpan.Exchange;
        }

        if (path.Equals(IntrospectionEndpoint.Path, StringComparison.Ordinal))
        {
            return MandateSpan.Introspect;
        }

        if (path.Equals(RevocationEndpoint.Path, StringComparison.Ordinal) || path.Equals(AdminEndpoints.Prefix + "/revocations", StringComparison.Ordinal))
        {
            return MandateSpan.Revoke;
        }

        return path.StartsWithSegments(AdminEndpoints.Prefix + "/approvals", StringComparison.Ordinal)
            && HttpMethods.IsPost(http.Request.Method) ? MandateSpan.Approval : null;
    }

    private static async Task HandleAsync(HttpContext http, RequestDelegate next)
    {
        if (SpanName(http) is not { } name)
        {
            await next(http);
            return;
        }

        var started = Stopwatch.GetTimestamp();
        using var span = MandateTelemetry.Source.StartActivity(name, ActivityKind.Internal);
        var request = new RequestTelemetry(span);
        http.Features.Set(request);
        try
        {
            await next(http);
        }
        catch (Exception e) when (MarkFailed(span, e))
        {
            // Unreachable: the filter marks the span and lets the exception pass untouched.
            throw;
        }
        finally
        {
            Record(http, name, request, Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
    }

    private static bool MarkFailed(Activity? span, Exception e)
    {
        span?.SetStatus(ActivityStatusCode.Error, e.GetType().Name);
        return false;
    }

    private static void Record(HttpContext http, string name, RequestTelemetry request, double seconds)
    {
        var status = http.Response.StatusCode;
        if (RequestDuration.Enabled)
        {
            RequestDuration.Record(seconds, new KeyValuePair<string, object?>(SpanAttributes.Endpoint, name), new KeyValuePair<string, object?>("http.response.status_code", status));
        }

        if (name == MandateSpan.Exchange)
        {
            if (Exchanges.Enabled)
            {
                Exchanges.Add(1, new KeyValuePair<string, object?>(SpanAttributes.Outcome, status is >= 200 and < 300 ? "issued" : "refused"), new KeyValuePair<string, object?>(SpanAttributes.CheckId, request.CheckId ?? ""));
            }

            if (request.CheckId is not null)
            {
                RequestMetrics.CountDpopReplay(request.CheckId, RequestMetrics.AtTokenEndpoint);
            }
        }
        else
        {
            RequestMetrics.CountAnswered(name, request, status);
        }

        request.Span?.SetTag("http.response.status_code", status);
    }
}
