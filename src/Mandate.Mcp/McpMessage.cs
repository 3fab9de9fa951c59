using System.Text.Json;

namespace Mandate.Mcp;

/// <summary>What an intermediary needs from one posted JSON-RPC message. Elements are detached from the parsed document.</summary>
public sealed record McpMessage
{
    /// <summary>Request, notification or response.</summary>
    public required McpMessageKind Kind { get; init; }

    /// <summary>The JSON-RPC <c>method</c>; null for a response.</summary>
    public string? Method { get; init; }

    /// <summary>The raw JSON of <c>id</c> (a string with its quotes, or a number), for echoing in an error; null for a notification.</summary>
    public string? IdJson { get; init; }

    /// <summary><c>params.name</c> (tools/call, prompts/get, …) or else <c>params.uri</c> (resources/read): what <c>Mcp-Name</c> mirrors.</summary>
    public string? Name { get; init; }

    /// <summary><c>params.arguments</c> of a tools/call: always an object (an absent member reads as <c>{}</c>).</summary>
    public JsonElement Arguments { get; init; }

    /// <summary><c>params._meta["io.modelcontextprotocol/protocolVersion"]</c> when the body carries it (2026-07-28).</summary>
    public string? BodyProtocolVersion { get; init; }
}
