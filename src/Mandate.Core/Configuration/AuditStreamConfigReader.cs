using Mandate.Core.Audit.Streaming;
using Mandate.Core.Protocol;

namespace Mandate.Core.Configuration;

/// <summary>Reads <c>audit.stream</c> (the audit stream for SIEMs) from mandate.yaml.</summary>
internal static class AuditStreamConfigReader
{
    public static AuditStreamOptions Read(YamlMapping m, string baseDir, string dataDir, bool telemetryOn, string? checkpointFile)
    {
        var file = m.String("file");
        var socket = m.String("socket");
        var buffer = m.Integer("buffer", 1, 100_000) ?? AuditStreamOptions.DefaultBuffer;
        var cursor = m.String("cursor");
        var otlpLogs = m.Bool("otlp_logs") ?? false;
        if (file is not null && socket is not null)
        {
            m.Problem("socket", "give file or socket, not both: the stream has one destination");
        }

        if (otlpLogs && !telemetryOn)
        {
            m.Problem("otlp_logs", "needs telemetry.otlp_endpoint: the log records go to the same OTLP collector as traces");
        }

        var destination = file is not null
            ? new AuditStreamDestination(AuditStreamDestinationKind.File, ConfigLoader.Resolve(baseDir, file))
            : socket is null ? null : ReadSocket(m, socket, baseDir);
        if (destination is null && socket is null && !otlpLogs && (cursor ?? m.String("buffer")) is not null)
        {
            m.Problem("file", "the stream needs a destination: file, socket, or otlp_logs: true");
        }

        var cursorFile = cursor is not null
            ? ConfigLoader.Resolve(baseDir, cursor)
            : destination is { Kind: AuditStreamDestinationKind.File } ? destination.Address + ".cursor" : Path.Combine(dataDir, "audit-stream.cursor");
        if (destination is { Kind: AuditStreamDestinationKind.File } && cursorFile == destination.Address)
        {
            m.Problem("cursor", "must not be the stream file itself");
        }

        if (destination is { Kind: AuditStreamDestinationKind.File } && destination.Address == checkpointFile)
        {
            m.Problem("file", "must not be audit.checkpoints.file: checkpoints reach the stream as lines of their own");
        }

        return new AuditStreamOptions { Destination = destination, Buffer = buffer, CursorFile = cursorFile, OtlpLogs = otlpLogs };
    }

    private static AuditStreamDestination? ReadSocket(YamlMapping m, string socket, string baseDir)
    {
        if (socket.StartsWith("unix:", StringComparison.Ordinal) && socket.Length > "unix:".Length)
        {
            var path = ConfigLoader.Resolve(baseDir, socket["unix:".Length..]);
            if (UnixSocketPath.Fits(path))
            {
                return new AuditStreamDestination(AuditStreamDestinationKind.UnixSocket, path);
            }

            m.Problem("socket", $"the Unix socket path is longer than {UnixSocketPath.MaxBytes} bytes; use a shorter one");
            return null;
        }

        if (Uri.TryCreate(socket, UriKind.Absolute, out var uri) && uri.Scheme == "tcp" && UriHost.Ascii(uri) is { Length: > 0 } host
            && !uri.IsDefaultPort && uri.Port is > 0 and <= 65535 && uri.AbsolutePath == "/" && uri.Query.Length == 0
            && uri.Fragment.Length == 0 && uri.UserInfo.Length == 0)
        {
            return new AuditStreamDestination(AuditStreamDestinationKind.Tcp, host.Trim('[', ']'), uri.Port);
        }

        m.Problem("socket", $"'{socket}' is not a stream socket; write unix:/path/to.sock or tcp://host:port");
        return null;
    }
}
