using System.Text;
using System.Text.Json;

namespace Mandate.Mcp;

/// <summary>
/// Relays a <c>tools/list</c> SSE answer event by event: an event whose data is a JSON-RPC response with
/// <c>result.tools</c> is rewritten (its other fields kept, the data written as one line); every other event passes
/// byte for byte, as soon as it is complete, so progress notifications are not held back.
/// </summary>
internal sealed class SseToolsListFilterStream(Stream inner, Func<string, bool> mayList, int maxEventBytes) : SseEventStream(inner, maxEventBytes)
{
    protected override byte[]? Transform(ReadOnlySpan<byte> rawEvent)
    {
        if (EventData(rawEvent, out var others) is not { } data)
        {
            return null;
        }

        byte[]? json;
        try
        {
            json = ToolsListRewriter.Rewrite(Encoding.UTF8.GetBytes(data), mayList);
        }
        catch (JsonException)
        {
            // MCP events carry JSON; one the filter cannot read might still be read by a lenient client, so drop it.
            return [];
        }

        return json is null ? null : [.. Encoding.UTF8.GetBytes(others + "data: "), .. json, (byte)'\n', (byte)'\n'];
    }
}
