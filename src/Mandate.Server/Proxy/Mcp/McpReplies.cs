using System.Text.Json.Nodes;
using Mandate.Mcp;
using Mandate.SenderConstraint;
using Microsoft.AspNetCore.Http;

namespace Mandate.Server.Proxy.Mcp;

/// <summary>
/// The gateway's JSON-RPC refusals: the HTTP status the transport requires (400 for wire errors, 403 for the policy)
/// with a JSON-RPC error body, written at once so the proxy's Problem Details writer leaves them alone. The refusal
/// returned is what the audit record keeps.
/// </summary>
internal static class McpReplies
{
    public static async Task<ProxyRefusal> WireErrorAsync(HttpContext http, McpWireError error, string? checkId = null)
    {
        checkId ??= error.Code switch
        {
            JsonRpcErrorCodes.ParseError => McpGatewayChecks.ParseError,
            JsonRpcErrorCodes.HeaderMismatch => McpGatewayChecks.HeaderMismatch,
            JsonRpcErrorCodes.UnsupportedProtocolVersion => McpGatewayChecks.UnsupportedProtocolVersion,
            _ => McpGatewayChecks.InvalidRequest,
        };
        await WriteAsync(http, error.HttpStatus, JsonRpcErrorWriter.Write(error, new JsonObject { ["check_id"] = checkId }));
        // The record keeps the status the agent was answered (415 for a content type or coding), not a generic 400.
        return ProxyRefusal.BadRequest(checkId, error.Message) with { Status = error.HttpStatus };
    }

    /// <summary>403 with a JSON-RPC error: a policy refusal or a pending approval, naming the rule and the fix in <c>data</c>.</summary>
    public static async Task<ProxyRefusal> ForbiddenAsync(HttpContext http, string? idJson, int code, string checkId, string description, JsonObject data)
    {
        var text = OAuthErrorText.Sanitize(description);
        data["check_id"] = checkId;
        data["detail"] = text;
        var message = code == JsonRpcErrorCodes.ApprovalPending ? "Approval required" : "Forbidden by policy";
        await WriteAsync(http, StatusCodes.Status403Forbidden, JsonRpcErrorWriter.Write(idJson, code, message, data));
        return ProxyRefusal.Forbidden(checkId, text);
    }

    private static async Task WriteAsync(HttpContext http, int status, byte[] body)
    {
        var response = http.Response;
        response.StatusCode = status;
        response.ContentType = JsonRpcErrorWriter.ContentType;
        // No Content-Length: the response completes only when the handler returns, after the audit record is durable.
        response.Headers.CacheControl = "no-store";
        await response.StartAsync(http.RequestAborted);
        await response.Body.WriteAsync(body, http.RequestAborted);
    }
}
