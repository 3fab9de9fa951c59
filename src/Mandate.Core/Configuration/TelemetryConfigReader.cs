using System.Globalization;

namespace Mandate.Core.Configuration;

/// <summary>Reads <c>telemetry:</c> (OpenTelemetry export) from mandate.yaml.</summary>
internal static class TelemetryConfigReader
{
    public static TelemetryOptions Read(YamlMapping m, string baseDir)
    {
        var defaults = new TelemetryOptions();
        var endpointText = m.String("otlp_endpoint");
        Uri? endpoint = null;
        if (endpointText is not null)
        {
            if (Uri.TryCreate(endpointText, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && string.IsNullOrEmpty(uri.UserInfo))
            {
                endpoint = uri;
            }
            else
            {
                m.Problem("otlp_endpoint", $"'{endpointText}' must be an http:// or https:// URL without credentials, e.g. http://127.0.0.1:4318");
            }
        }

        var protocol = defaults.Protocol;
        if (m.String("protocol") is { } protocolText)
        {
            switch (protocolText)
            {
                case "http/protobuf":
                    protocol = TelemetryProtocol.HttpProtobuf;
                    break;
                case "grpc":
                    protocol = TelemetryProtocol.Grpc;
                    break;
                default:
                    m.Problem("protocol", $"'{protocolText}' is not an OTLP protocol; write http/protobuf or grpc");
                    break;
            }
        }

        var headers = ConfiguredSecret.ReadFrom(m, "headers", baseDir, required: false);

        if (m.Node is YamlDotNet.RepresentationModel.YamlMappingNode node && node.Children.ContainsKey(new YamlDotNet.RepresentationModel.YamlScalarNode("headers")))
        {
            m.Skip("headers");
            m.Problem("headers", "headers are never written inline (they usually hold an API key); name an environment variable with headers_env or a file with headers_file");
        }

        var ratio = defaults.SamplingRatio;
        if (m.String("sampling_ratio") is { } ratioText)
        {
            if (double.TryParse(ratioText, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var parsed) && parsed is >= 0 and <= 1)
            {
                ratio = parsed;
            }
            else
            {
                m.Problem("sampling_ratio", $"'{ratioText}' must be a number from 0 to 1, e.g. 0.25");
            }
        }

        var serviceName = m.String("service_name") ?? defaults.ServiceName;
        if (endpoint is null && headers is not null)
        {
            m.Problem("otlp_endpoint", "telemetry headers are set but otlp_endpoint is not; telemetry is off without an endpoint");
        }

        return new TelemetryOptions
        {
            OtlpEndpoint = endpoint,
            Protocol = protocol,
            Headers = headers,
            SamplingRatio = ratio,
            ServiceName = serviceName,
        };
    }
}
