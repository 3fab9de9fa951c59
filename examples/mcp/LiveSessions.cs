using System.Collections.Concurrent;
using Mandate.Mcp;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using ModelContextProtocol.Server;

namespace Mandate.Examples.Mcp;

/// <summary>
/// Streamable HTTP §Session Management: a request with an <c>Mcp-Session-Id</c> the server does not know (never issued,
/// or terminated) MUST be answered 404. The C# MCP SDK does so for POST and GET, but answers a DELETE of an unknown
/// session 200; the example keeps the ids of its live sessions and answers such a DELETE itself, for the revisions that
/// have sessions (before 2026-07-28).
/// </summary>
internal sealed class LiveSessions
{
    private readonly ConcurrentDictionary<string, byte> _live = new(StringComparer.Ordinal);

    /// <summary>The SDK's <c>RunSessionHandler</c>: a session is live while the SDK runs it.</summary>
    public async Task RunAsync(HttpContext http, McpServer server, CancellationToken cancellationToken)
    {
        if (server.SessionId is not { } id)
        {
            // A 2026-07-28 request, served statelessly: no session to track.
            await server.RunAsync(cancellationToken);
            return;
        }

        _live[id] = 0;
        try
        {
            await server.RunAsync(cancellationToken);
        }
        finally
        {
            _live.TryRemove(id, out _);
        }
    }

    /// <summary>Answers a DELETE of a session that is not live with 404 before the SDK sees it.</summary>
    public void UseOn(WebApplication app, string mcpPath) =>
        app.UseWhen(http => HttpMethods.IsDelete(http.Request.Method) && http.Request.Path.StartsWithSegments(mcpPath, StringComparison.OrdinalIgnoreCase),
            branch => branch.Use(async (http, next) =>
            {
                var presented = http.Request.Headers[McpHeaderNames.SessionId];
                if (presented.Count == 0 || !HasSessions(http.Request.Headers[McpHeaderNames.ProtocolVersion]))
                {
                    // No session id at all (400), or a revision without sessions (2026-07-28: 405) or one the server does
                    // not support (400, streamable HTTP §Protocol Version Header): the SDK answers those.
                    await next(http);
                    return;
                }

                if (presented.Count > 1 || !_live.ContainsKey(presented[0] ?? ""))
                {
                    http.Response.StatusCode = StatusCodes.Status404NotFound;
                    http.Response.ContentType = JsonRpcErrorWriter.ContentType;
                    await http.Response.Body.WriteAsync(JsonRpcErrorWriter.Write(null, JsonRpcErrorCodes.InvalidRequest,
                        "Session not found: the Mcp-Session-Id names no live session of this server (it ended, or was never issued); start a new session with initialize"), http.RequestAborted);
                    return;
                }

                await next(http);
                if (http.Response.StatusCode is >= 200 and < 300)
                {
                    // Ended now: a second DELETE is 404 even before the SDK has finished disposing the session.
                    _live.TryRemove(presented[0]!, out _);
                }
            }));

    // No MCP-Protocol-Version is taken as 2025-03-26 (streamable HTTP §Protocol Version Header), which has sessions.
    private static bool HasSessions(StringValues version) =>
        version.Count == 0 || (version.Count == 1 && McpProtocolVersions.IsSupported(version[0]!) && !McpProtocolVersions.RequiresHeaderValidation(version[0]!));
}
