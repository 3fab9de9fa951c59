using Microsoft.AspNetCore.Http;

namespace Mandate.Server.Http;

/// <summary>
/// A request body that reports every read failure as <see cref="BadHttpRequestException"/>: whatever goes
/// wrong while the bytes a client sent are read is the client's fault (RFC 9110 §15.5.1), never a 5xx.
/// Cancellation passes through unchanged: an aborted request is not answered at all. A body sent with a transfer
/// coding Mandate does not decode (<paramref name="readable"/> false) fails its first read, before any byte is used.
/// </summary>
internal sealed class ClientRequestBodyStream(Stream inner, bool readable = true) : Stream
{
    public override bool CanRead => inner.CanRead;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        RefuseUnreadable();
        try
        {
            return inner.Read(buffer, offset, count);
        }
        catch (Exception e) when (IsClientFault(e))
        {
            throw AsClientFault(e);
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        RefuseUnreadable();
        try
        {
            return await inner.ReadAsync(buffer, cancellationToken);
        }
        catch (Exception e) when (IsClientFault(e))
        {
            throw AsClientFault(e);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async Task CopyToAsync(Stream destination, int bufferSize, CancellationToken cancellationToken)
    {
        // Not inner.CopyToAsync: a failure writing to destination is not the client's, so read here and write there.
        var buffer = new byte[bufferSize];
        int read;
        while ((read = await ReadAsync(buffer, cancellationToken)) > 0)
        {
            await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
        }
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private void RefuseUnreadable()
    {
        if (!readable)
        {
            throw new BadHttpRequestException("the request body uses a transfer coding other than chunked alone; send it with Content-Length, or chunked", StatusCodes.Status400BadRequest);
        }
    }

    // Kestrel reports broken framing as IOException (an overflowing chunk size) or BadHttpRequestException, which
    // already carries its status (400, 408, 413) and passes unchanged. Cancellation and our own bugs are not the client's.
    private static bool IsClientFault(Exception e) => e is IOException and not BadHttpRequestException;

    private static BadHttpRequestException AsClientFault(Exception e) =>
        new("the request body could not be read: its framing is malformed or it ended early", StatusCodes.Status400BadRequest, e);
}
