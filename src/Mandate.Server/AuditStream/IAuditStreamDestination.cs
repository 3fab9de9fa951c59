namespace Mandate.Server.AuditStream;

/// <summary>Where the audit stream's lines go: a file or a socket, opened (again) on demand.</summary>
internal interface IAuditStreamDestination : IDisposable
{
    /// <summary>
    /// Writes whole lines and returns once they are handed on (flushed to the file, sent on the socket). Throws
    /// <see cref="IOException"/> when they may not have arrived; the next call reopens or reconnects, and the caller
    /// sends the same lines again.
    /// </summary>
    Task WriteAsync(ReadOnlyMemory<byte> lines, CancellationToken cancellationToken);
}
