using System.Text.Json;

namespace Mandate.Mcp;

/// <summary>
/// Relays an SSE answer event by event, dropping every event whose data is a JSON-RPC request (an object with a
/// <c>method</c> and an <c>id</c>); notifications, the response and anything else pass byte for byte, as they come.
/// </summary>
internal sealed class SseServerRequestDropStream(Stream inner, int maxEventBytes) : SseEventStream(inner, maxEventBytes)
{
    protected override byte[]? Transform(ReadOnlySpan<byte> rawEvent) => IsRequest(EventData(rawEvent, out _)) ? [] : null;

    private static bool IsRequest(string? data)
    {
        if (data is null)
        {
            return false;
        }

        try
        {
            using var json = JsonDocument.Parse(data);
            var root = json.RootElement;
            // A batch may hold a request too.
            return root.ValueKind == JsonValueKind.Array
                || (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("method", out _) && root.TryGetProperty("id", out _));
        }
        catch (JsonException)
        {
            // Not JSON: no request a client could act on; relayed as it came.
            return false;
        }
    }
}
