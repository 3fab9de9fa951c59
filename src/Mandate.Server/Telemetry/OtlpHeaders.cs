using Mandate.Core.Configuration;

namespace Mandate.Server.Telemetry;

/// <summary>
/// The OTLP exporter's headers (<c>name=value,name2=value2</c>, the OTEL_EXPORTER_OTLP_HEADERS form) from the
/// environment variable or file the configuration names; they usually hold an API key, so never from mandate.yaml.
/// </summary>
internal static class OtlpHeaders
{
    /// <exception cref="MandateConfigException">The named variable is unset, the file unreadable or empty, or a pair malformed.</exception>
    public static string? Read(TelemetryOptions options, Func<string, string?> getEnvironment)
    {
        if (options.Headers is not { } headers)
        {
            return null;
        }

        var text = headers.Read(getEnvironment, out _);
        var pairs = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var pair in pairs)
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || pair[..equals].Any(c => c <= ' ' || c >= 0x7F || c == ':'))
            {
                // The pair's text is not echoed: it may be the secret itself.
                throw new MandateConfigException("telemetry headers must be name=value pairs separated by commas, e.g. x-api-key=abc,x-tenant=acme");
            }
        }

        return string.Join(',', pairs);
    }
}
