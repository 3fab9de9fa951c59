using System.Text.Json;

namespace Mandate.Mcp;

/// <summary>
/// Relays a <c>tools/call</c> SSE answer live (progress and log notifications pass as they come) but holds back the
/// JSON-RPC response event, the result the agent acts on, until the upstream body has ended and
/// <paramref name="beforeResult"/> has run: the gateway makes the call's audit record durable there, so no agent reads
/// a result that is not yet on record.
/// </summary>
internal sealed class SseResultHoldStream(Stream inner, Func<CancellationToken, Task> beforeResult, int maxEventBytes) : SseEventStream(inner, maxEventBytes)
{
    private readonly MemoryStream _held = new();

    protected override byte[]? Transform(ReadOnlySpan<byte> rawEvent)
    {
        if (!IsResponse(EventData(rawEvent, out _)))
        {
            return null;
        }

        _held.Write(rawEvent);
        return [];
    }

    protected override async ValueTask<byte[]?> AtEndAsync(CancellationToken cancellationToken)
    {
        await beforeResult(cancellationToken);
        return _held.Length == 0 ? null : _held.ToArray();
    }

    /// <summary>
    /// A JSON-RPC response (an object with an id and a result or an error, and no method), or a batch: a client that reads
    /// 2025-03-26 batches takes a result out of one.
    /// </summary>
    private static bool IsResponse(string? data) => DataIs(data, root =>
        root.ValueKind == JsonValueKind.Array
        || root.ValueKind == JsonValueKind.Object
        && root.TryGetProperty("id", out _)
        && !root.TryGetProperty("method", out _)
        && (root.TryGetProperty("result", out _) || root.TryGetProperty("error", out _)));

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _held.Dispose();
        }

        base.Dispose(disposing);
    }
}
