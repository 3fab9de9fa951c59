using System.Diagnostics;

namespace Mandate.Server.Telemetry;

/// <summary>One request's telemetry state, a feature on its HttpContext while telemetry is on.</summary>
internal sealed class RequestTelemetry
{
    public RequestTelemetry(Activity? span) => Span = span;

    /// <summary>The request's Mandate span; null when this request is not sampled.</summary>
    public Activity? Span { get; }

    /// <summary>The check that refused the request, if one did.</summary>
    public string? CheckId { get; set; }
}
