using Mandate.Core.Configuration;

namespace Mandate.Server.Telemetry;

/// <summary>
/// The OTLP exporter's headers (<c>name=value,name2=value2</c>, the OTEL_EXPORTER_OTLP_HEADERS form) from the
/// environment variable or file the configuration names; they usually hold an API key, so never from mandate.yaml.
/// </summary>
internal static class OtlpHeaders
{
    /// <exception cref="MandateConfigException">The named variable is unset, the file unreadable, or a pair malformed.</exception>
    public static string? Read(TelemetryOptions options, Func<string, string?> getEnvironment)
    {
        string? text;
        if (options.HeadersEnvironmentVariable is { } variable)
        {
            text = getEnvironment(variable)
                ?? throw new MandateConfigException($"telemetry.headers_env names {variable}, which is not set; set it to name=value pairs, e.g. x-api-key=...");
        }
        else if (options.HeadersFile is { } file)
        {
            try
            {
                text = File.ReadAllText(file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new MandateConfigException($"telemetry.headers_file {file} cannot be read: {e.Message}", e);
            }
        }
        else
        {
            return null;
        }

        var pairs = text.Trim().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
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
