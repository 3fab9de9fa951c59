using System.Buffers;

namespace Mandate.Server.Proxy;

/// <summary>
/// The response body as the agent gets it: read from the upstream (or the gateway's filter), the secret masked
/// even across reads, counted, and cut past <c>proxy.max_response_body</c>. Each read hands on what has
/// arrived at once, holding back only a possible start of the secret, so streamed answers (Server-Sent
/// Events) stay live; a body that ends in half the secret or more has that start masked too. Owns <paramref name="source"/> and <paramref name="upstream"/>.
/// </summary>
internal sealed class ScrubbedBodyStream(Stream source, SecretScrubber scrubber, long? limit, IDisposable upstream) : Stream
{
    // What is held back (under the secret's length) plus at least as much again read behind it, within a pooled 64 KiB.
    private byte[]? _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(64 * 1024, 2 * scrubber.SecretBytes));
    private int _readyFrom;
    private int _readyTo;
    private int _held;
    private bool _sourceEnded;

    /// <summary>Bytes read from the source (the filter's output when there is one).</summary>
    public long BytesRead { get; private set; }

    /// <summary>The whole body went out: the source ended and nothing is left in hand.</summary>
    public bool Completed => _sourceEnded && _readyFrom == _readyTo;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        var buffer = _buffer ?? throw new ObjectDisposedException(nameof(ScrubbedBodyStream));
        while (_readyFrom == _readyTo && !_sourceEnded)
        {
            if (destination.IsEmpty)
            {
                // A zero-byte read waits for data without taking a buffer (the forwarder's copy loop does this).
                _ = await source.ReadAsync(Memory<byte>.Empty, cancellationToken);
                return 0;
            }

            buffer.AsSpan(_readyTo, _held).CopyTo(buffer);
            (_readyFrom, _readyTo) = (0, 0);
            var read = await source.ReadAsync(buffer.AsMemory(_held), cancellationToken);
            var filled = _held + read;
            if (read == 0)
            {
                // The end: a held start of the secret is relayed when short (ordinary text), masked from half the secret on.
                scrubber.MaskCutAtEnd(buffer.AsSpan(0, filled));
                _sourceEnded = true;
                (_readyFrom, _readyTo, _held) = (0, filled, 0);
                break;
            }

            BytesRead += read;
            if (limit is { } max && BytesRead > max)
            {
                throw ProxyLimitException.ResponseBody(max);
            }

            scrubber.Mask(buffer.AsSpan(0, filled));
            var hold = scrubber.PartialSecretAtEnd(buffer.AsSpan(0, filled));
            (_readyFrom, _readyTo, _held) = (0, filled - hold, hold);
        }

        var count = Math.Min(destination.Length, _readyTo - _readyFrom);
        buffer.AsMemory(_readyFrom, count).CopyTo(destination);
        _readyFrom += count;
        return count;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("the proxy reads bodies asynchronously");

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && _buffer is { } buffer)
        {
            _buffer = null;
            ArrayPool<byte>.Shared.Return(buffer);
            source.Dispose();
            upstream.Dispose();
        }

        base.Dispose(disposing);
    }
}
