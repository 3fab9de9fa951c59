using System.Text.Json;

namespace Mandate.Mcp;

/// <summary>
/// Relays an SSE answer event by event, dropping every event whose data is a JSON-RPC request (an object with a
/// <c>method</c> and an <c>id</c>); notifications, the response and anything else pass byte for byte, as they come.
/// </summary>
internal sealed class SseServerRequestDropStream(Stream inner, int maxEventBytes) : SseEventStream(inner, maxEventBytes)
{
    protected override byte[]? Transform(ReadOnlySpan<byte> rawEvent) => IsRequest(EventData(rawEvent, out _)) ? [] : null;

    /// <summary>A JSON-RPC request (an object with a method and an id), or a batch, which may hold one.</summary>
    private static bool IsRequest(string? data) => DataIs(data, root =>
        root.ValueKind == JsonValueKind.Array
        || (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("method", out _) && root.TryGetProperty("id", out _)));
}
