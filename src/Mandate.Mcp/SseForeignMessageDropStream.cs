using System.Text;

namespace Mandate.Mcp;

/// <summary>
/// Relays an SSE answer event by event, dropping every event whose data holds a message <paramref name="foreign"/> names
/// (another request's response; the MCP server's requests under 2026-07-28); everything else passes byte for byte, as it comes.
/// </summary>
internal sealed class SseForeignMessageDropStream(Stream inner, McpForeignMessages foreign, int maxEventBytes) : SseEventStream(inner, maxEventBytes)
{
    protected override byte[]? Transform(ReadOnlySpan<byte> rawEvent) =>
        EventData(rawEvent, out _) is { } data && foreign.In(Encoding.UTF8.GetBytes(data)) ? [] : null;
}
