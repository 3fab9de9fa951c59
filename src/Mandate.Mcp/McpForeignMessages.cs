using System.Text.Json;

namespace Mandate.Mcp;

/// <summary>
/// Tells the JSON-RPC messages that do not belong on the answer to one POST: a response whose <c>id</c> is not the POST's
/// own request id (JSON-RPC 2.0 §5: the response id MUST be the same as the request's; a client's SDK matches responses
/// by id, so another request's id would answer that request past the filter of its own POST), and, when
/// <c>requests</c>, any JSON-RPC request (streamable HTTP 2026-07-28 §Receiving Messages). A POST holding only a
/// notification or a response has no own id, so every response on its answer is foreign.
/// </summary>
internal sealed class McpForeignMessages
{
    /// <summary>
    /// JSON read as leniently as any client might read it (comments, trailing commas, any depth), so that nothing a client
    /// takes for a message escapes the judgement as "not JSON".
    /// </summary>
    internal static readonly JsonDocumentOptions ClientReading = new()
    {
        MaxDepth = int.MaxValue,
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
    };

    private readonly JsonElement? _requestId;
    private readonly bool _requests;

    /// <param name="requestIdJson">The raw JSON of the POST's request id; null when it held a notification or a response.</param>
    /// <param name="requests">Whether the MCP server's own JSON-RPC requests are foreign too (2026-07-28).</param>
    public McpForeignMessages(string? requestIdJson, bool requests)
    {
        if (requestIdJson is not null)
        {
            using var id = JsonDocument.Parse(requestIdJson);
            _requestId = id.RootElement.Clone();
        }

        _requests = requests;
    }

    /// <summary>Whether <paramref name="json"/> holds a foreign message; false for text that is not JSON (no client reads a message from it).</summary>
    public bool In(ReadOnlyMemory<byte> json)
    {
        try
        {
            using var document = JsonDocument.Parse(json, ClientReading);
            return In(document.RootElement);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Whether a message, or a batch (2025-03-26) holding one, is foreign.</summary>
    public bool In(JsonElement root) => root.ValueKind switch
    {
        // A batch may hold a request: under a revision without server requests it goes whole, as an event did before.
        JsonValueKind.Array => _requests || root.EnumerateArray().Any(IsForeign),
        JsonValueKind.Object => IsForeign(root),
        _ => false,
    };

    private bool IsForeign(JsonElement message)
    {
        if (message.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        int ids = 0, methods = 0, outcomes = 0;
        JsonElement id = default;
        foreach (var member in message.EnumerateObject())
        {
            if (member.NameEquals("id"))
            {
                ids++;
                id = member.Value;
            }
            else if (member.NameEquals("method"))
            {
                methods++;
            }
            else if (member.NameEquals("result") || member.NameEquals("error"))
            {
                outcomes++;
            }
        }

        if (ids > 1 || methods > 1)
        {
            // Readers disagree about which duplicate counts (first or last): the gateway cannot tell what a client sees.
            return true;
        }

        // An error whose id is null or absent answers a message whose id could not be read (JSON-RPC 2.0 §5); it names no request.
        if (outcomes > 0 && ids == 1 && id.ValueKind != JsonValueKind.Null && !IsOwn(id))
        {
            return true;
        }

        return _requests && methods == 1 && ids == 1;
    }

    /// <summary>The same JSON value as the POST's id (1 and "1" differ; escapes in a string do not).</summary>
    private bool IsOwn(JsonElement id)
    {
        if (_requestId is not { } own)
        {
            return false;
        }

        try
        {
            return JsonElement.DeepEquals(id, own);
        }
        catch (InvalidOperationException)
        {
            // A string escaping a lone surrogate cannot be compared as text: not the id the gateway read.
            return false;
        }
    }
}
