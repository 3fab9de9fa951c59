using System.Text;
using System.Text.Json;

namespace Mandate.Mcp;

/// <summary>
/// Relays an SSE body event by event: an event whose data is a JSON-RPC response with <c>result.tools</c> is rewritten
/// (its other fields kept, the data written as one line); every other event passes byte for byte. Each event is
/// emitted as soon as its terminating blank line arrives, so progress notifications are not held back.
/// </summary>
internal sealed class SseToolsListFilterStream : Stream
{
    private readonly Stream _inner;
    private readonly Func<string, bool> _mayList;
    private readonly int _maxEventBytes;
    private readonly byte[] _chunk = new byte[16 * 1024];
    private readonly MemoryStream _event = new();
    private readonly MemoryStream _ready = new();
    private int _readyOffset;
    private int _lineLength;
    private bool _lastWasCarriageReturn;
    private bool _innerDone;

    public SseToolsListFilterStream(Stream inner, Func<string, bool> mayList, int maxEventBytes)
    {
        _inner = inner;
        _mayList = mayList;
        _maxEventBytes = maxEventBytes;
    }

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
            Consume(await _inner.ReadAsync(_chunk, cancellationToken));
        }

        return drained;
    }

    public override int Read(Span<byte> buffer)
    {
        int drained;
        while (!TryDrain(buffer, out drained))
        {
            Consume(_inner.Read(_chunk));
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

    private void Consume(int read)
    {
        if (read == 0)
        {
            _innerDone = true;
            EmitEvent();
        }
        else
        {
            Feed(_chunk.AsSpan(0, read));
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
                throw new InvalidDataException("an SSE event of the tools/list answer exceeds the filter's limit");
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
        var rewritten = Rewrite(raw.Span);
        _ready.Write(rewritten ?? raw.Span);
        _event.SetLength(0);
    }

    private byte[]? Rewrite(ReadOnlySpan<byte> raw)
    {
        var text = Encoding.UTF8.GetString(raw);
        var others = new StringBuilder();
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
                others.Append(line).Append('\n');
            }
        }

        if (!hasData)
        {
            return null;
        }

        byte[]? json;
        try
        {
            json = ToolsListRewriter.Rewrite(Encoding.UTF8.GetBytes(data.ToString()), _mayList);
        }
        catch (JsonException)
        {
            // MCP events carry JSON; one the filter cannot read might still be read by a lenient client, so drop it.
            return [];
        }

        return json is null ? null : [.. Encoding.UTF8.GetBytes(others.Append("data: ").ToString()), .. json, (byte)'\n', (byte)'\n'];
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
