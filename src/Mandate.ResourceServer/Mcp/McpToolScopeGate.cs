using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mandate.ResourceServer;

/// <summary>
/// Runs before the MCP server on its POST endpoint: reads the JSON-RPC body (bounded; put back for the MCP server),
/// checks <c>Mcp-Method</c>/<c>Mcp-Name</c> against it, and refuses a <c>tools/call</c> whose credential lacks the
/// tool's scopes. Everything else passes unchanged: the MCP server answers it.
/// </summary>
internal sealed class McpToolScopeGate
{
    public const string MethodHeader = "Mcp-Method";
    public const string NameHeader = "Mcp-Name";
    private readonly MandateMcpToolScopeOptions _options;
    private readonly ILogger _logger;

    public McpToolScopeGate(MandateMcpToolScopeOptions options, ILogger logger)
    {
        _options = options;
        _logger = logger;
    }

    public async Task InvokeAsync(HttpContext http, RequestDelegate next)
    {
        if (!HttpMethods.IsPost(http.Request.Method))
        {
            await next(http);
            return;
        }

        try
        {
            var body = await McpRequestBody.ReadAsync(http.Request, _options.MaxBodyBytes);
            var message = McpRequestMessage.Parse(body);
            CheckHeaders(http.Request, message);
            if (message.Method == McpRequestMessage.ToolsCall && _options.Tools.TryGetValue(message.Name!, out var needed))
            {
                var granted = http.User.GetMandateScopes();
                var missing = needed.Where(s => !granted.Contains(s, StringComparer.Ordinal)).ToList();
                if (missing.Count > 0)
                {
                    await RefuseScopeAsync(http, message, needed, missing, granted);
                    return;
                }
            }
        }
        catch (McpRequestRefusal refusal)
        {
            var reason = refusal.Message;
            McpGateLog.Refused(_logger, refusal.Status, refusal.Code, reason);
            await McpJsonRpcError.WriteAsync(http, refusal.Status, refusal.RawId, refusal.Code, refusal.Message);
            return;
        }

        await next(http);
    }

    /// <summary>MCP 2026-07-28 "server validation": present headers must equal the body's values (Mcp-Name decoded first).</summary>
    private static void CheckHeaders(HttpRequest request, McpRequestMessage message)
    {
        if (request.Headers.TryGetValue(MethodHeader, out var methods))
        {
            if (methods.Count != 1 || !string.Equals(methods[0]?.Trim(), message.Method, StringComparison.Ordinal))
            {
                throw Mismatch($"Header mismatch: Mcp-Method header does not match body method '{Shown(message.Method)}'", message);
            }
        }

        if (request.Headers.TryGetValue(NameHeader, out var names) && message.Method is McpRequestMessage.ToolsCall or "prompts/get" or "resources/read")
        {
            var decoded = names.Count == 1 ? McpHeaderValue.Decode(names[0]?.Trim() ?? "") : null;
            if (decoded is null)
            {
                throw Mismatch("Header mismatch: Mcp-Name header is repeated, has invalid characters or invalid Base64", message);
            }

            if (!string.Equals(decoded, message.Name, StringComparison.Ordinal))
            {
                throw Mismatch($"Header mismatch: Mcp-Name header does not match body value '{Shown(message.Name)}'", message);
            }
        }
    }

    private async Task RefuseScopeAsync(HttpContext http, McpRequestMessage message, IReadOnlyList<string> needed, List<string> missing, IReadOnlyList<string> granted)
    {
        var options = http.RequestServices.GetRequiredService<IOptionsMonitor<MandateTokenOptions>>().Get(_options.Scheme);
        var scope = string.Join(' ', needed);
        var tool = Shown(message.Name);
        var jti = http.User.GetMandateCredentialId() ?? "";
        var description = $"tool '{tool}' needs scope '{scope}' but the credential grants '{string.Join(' ', granted)}'; ask the broker for a credential for {options.Audience} with scope={string.Join(' ', missing)}";
        McpGateLog.ScopeRefused(_logger, tool, jti, scope);
        // MCP authorization: 403 with error="insufficient_scope", every scope the call needs, and resource_metadata.
        var response = http.Response;
        response.StatusCode = StatusCodes.Status403Forbidden;
        MandateChallenge.AppendChallenges(response, options, StatusCodes.Status403Forbidden, MandateTokenFailure.InsufficientScope, description, scope);
        await McpJsonRpcError.WriteAsync(http, StatusCodes.Status403Forbidden, message.RawId, MandateMcpErrorCodes.InsufficientScope, "Forbidden: " + description, writer =>
        {
            writer.WriteString("error", MandateTokenFailure.InsufficientScope);
            writer.WriteString("scope", scope);
            if (ProtectedResourceMetadata.ChallengeUri(options) is { } metadata)
            {
                writer.WriteString("resource_metadata", metadata.ToString());
            }
        });
    }

    private static McpRequestRefusal Mismatch(string text, McpRequestMessage message) =>
        new(StatusCodes.Status400BadRequest, MandateMcpErrorCodes.HeaderMismatch, text, message.RawId);

    /// <summary>Client-chosen names go into messages short and printable.</summary>
    private static string Shown(string? value) =>
        value is null ? "" : new string(value.Take(64).Select(c => c is >= ' ' and <= '~' and not '"' and not '\\' ? c : '?').ToArray());
}
