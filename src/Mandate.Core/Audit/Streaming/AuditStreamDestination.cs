namespace Mandate.Core.Audit.Streaming;

/// <summary>What kind of place an audit stream is delivered to.</summary>
public enum AuditStreamDestinationKind
{
    /// <summary>A file, appended to and flushed after every delivery.</summary>
    File,

    /// <summary>A Unix stream socket (<c>unix:/path</c>).</summary>
    UnixSocket,

    /// <summary>A TCP listener (<c>tcp://host:port</c>).</summary>
    Tcp,
}

/// <summary>One audit stream destination: a file path, a Unix socket path, or a TCP host and port.</summary>
public sealed record AuditStreamDestination(AuditStreamDestinationKind Kind, string Address, int Port = 0)
{
    /// <summary>The destination as an operator wrote it, for logs.</summary>
    public override string ToString() => Kind switch
    {
        AuditStreamDestinationKind.UnixSocket => "unix:" + Address,
        AuditStreamDestinationKind.Tcp => $"tcp://{(Address.Contains(':', StringComparison.Ordinal) ? $"[{Address}]" : Address)}:{Port}",
        _ => Address,
    };
}
