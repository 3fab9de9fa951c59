using System.Text;
using System.Text.Json;

namespace Mandate.Mcp;

/// <summary>
/// Relays an SSE body event by event (WHATWG HTML §9.2.6 framing): each complete event goes through
/// <see cref="Transform"/> and out as soon as its terminating blank line arrives, so streamed answers stay live; at the
/// end of the body <see cref="AtEndAsync"/> may add a tail. Subclasses decide what an event becomes.
/// </summary>
internal abstract class SseEventStream : Stream
{
    private readonly Stream _inner;
    private readonly int _maxEventBytes;
    private readonly byte[] _chunk = new byte[16 * 1024];
    private readonly MemoryStream _event = new();
    private readonly MemoryStream _ready = new();
    private int _readyOffset;
    private int _lineLength;
    private bool _lastWasCarriageReturn;
    private bool _innerDone;

    protected SseEventStream(Stream inner, int maxEventBytes)
    {
        _inner = inner;
        _maxEventBytes = maxEventBytes;
    }

    /// <summary>What to relay for one complete event (its raw bytes, blank line included): null relays it as is.</summary>
    protected abstract byte[]? Transform(ReadOnlySpan<byte> rawEvent);

    /// <summary>Bytes to relay after the last event, once the upstream body has ended; none by default.</summary>
    protected virtual ValueTask<byte[]?> AtEndAsync(CancellationToken cancellationToken) => ValueTask.FromResult<byte[]?>(null);

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int drained;
        while (!TryDrain(buffer.Span, out drained))
        {
            if (Consume(await _inner.ReadAsync(_chunk, cancellationToken)))
            {
                Append(await AtEndAsync(cancellationToken));
            }
        }

        return drained;
    }

    public override int Read(Span<byte> buffer)
    {
        int drained;
        while (!TryDrain(buffer, out drained))
        {
            if (Consume(_inner.Read(_chunk)))
            {
                var tail = AtEndAsync(CancellationToken.None);
                Append(tail.IsCompletedSuccessfully ? tail.Result : throw new NotSupportedException("this stream ends asynchronously; read it with ReadAsync"));
            }
        }

        return drained;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Copies ready output; false when there is none yet and the upstream must be read.</summary>
    private bool TryDrain(Span<byte> buffer, out int count)
    {
        var available = (int)_ready.Length - _readyOffset;
        if (available > 0)
        {
            count = Math.Min(available, buffer.Length);
            _ready.GetBuffer().AsSpan(_readyOffset, count).CopyTo(buffer);
            _readyOffset += count;
            return true;
        }

        _ready.SetLength(0);
        _readyOffset = 0;
        count = 0;
        return _innerDone;
    }

    /// <summary>Takes what the upstream gave; true when the body just ended (its last event is out).</summary>
    private bool Consume(int read)
    {
        if (read == 0)
        {
            _innerDone = true;
            EmitEvent();
            return true;
        }

        Feed(_chunk.AsSpan(0, read));
        return false;
    }

    private void Append(byte[]? tail)
    {
        if (tail is not null)
        {
            _ready.Write(tail);
        }
    }

    // Lines end in CRLF, LF or CR; an empty line ends the event (WHATWG HTML §9.2.6).
    private void Feed(ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes)
        {
            if (b == '\n' && _lastWasCarriageReturn)
            {
                // The LF of a CRLF whose CR already ended the line (possibly the event): relay it where it stands.
                _lastWasCarriageReturn = false;
                (_event.Length == 0 ? _ready : _event).WriteByte(b);
                continue;
            }

            _lastWasCarriageReturn = b == '\r';
            _event.WriteByte(b);
            if (_event.Length > _maxEventBytes)
            {
                throw new InvalidDataException("an SSE event exceeds the filter's limit");
            }

            if (b is (byte)'\n' or (byte)'\r')
            {
                var endsEvent = _lineLength == 0;
                _lineLength = 0;
                if (endsEvent)
                {
                    EmitEvent();
                }
            }
            else
            {
                _lineLength++;
            }
        }
    }

    private void EmitEvent()
    {
        if (_event.Length == 0)
        {
            return;
        }

        var raw = _event.GetBuffer().AsMemory(0, (int)_event.Length);
        var rewritten = Transform(raw.Span);
        _ready.Write(rewritten ?? raw.Span);
        _event.SetLength(0);
    }

    /// <summary>
    /// Whether an event's <paramref name="data"/> is JSON whose root has <paramref name="shape"/>; false for no data and
    /// for data that is not JSON even as leniently as a client might read it (nothing a client could act on as a JSON-RPC message).
    /// </summary>
    protected static bool DataIs(string? data, Func<JsonElement, bool> shape)
    {
        if (data is null)
        {
            return false;
        }

        try
        {
            using var json = JsonDocument.Parse(data, McpForeignMessages.ClientReading);
            return shape(json.RootElement);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>An event's data (its <c>data:</c> lines joined by LF), or null when it has none; its other lines in <paramref name="others"/>.</summary>
    protected static string? EventData(ReadOnlySpan<byte> raw, out string others)
    {
        var text = Encoding.UTF8.GetString(raw);
        var other = new StringBuilder();
        var data = new StringBuilder();
        var hasData = false;
        foreach (var line in text.Split(["\r\n", "\r", "\n"], StringSplitOptions.None))
        {
            if (line.Length == 0)
            {
                continue;
            }

            if (line == "data" || line.StartsWith("data:", StringComparison.Ordinal))
            {
                var value = line.Length > 5 ? line[5..] : string.Empty;
                data.Append(hasData ? "\n" : string.Empty).Append(value.StartsWith(' ') ? value[1..] : value);
                hasData = true;
            }
            else
            {
                other.Append(line).Append('\n');
            }
        }

        others = other.ToString();
        return hasData ? data.ToString() : null;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
            _event.Dispose();
            _ready.Dispose();
        }

        base.Dispose(disposing);
    }
}
