using System.Globalization;
using System.Text.Json.Nodes;
using Mandate.Mcp;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mandate.ResourceServer;

/// <summary>
/// Runs before the MCP server on its POST endpoint: reads the JSON-RPC message (bounded; put back for the MCP server),
/// checks the request metadata headers against it (streamable HTTP §Server Validation, as the Mandate gateway does),
/// and refuses a <c>tools/call</c> whose credential lacks the tool's scopes. Everything else passes unchanged: the MCP
/// server answers it.
/// </summary>
internal sealed class McpToolScopeGate
{
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

        if (McpContentType.Check(http.Request.ContentType) is { } unsupported)
        {
            await RefuseAsync(http, unsupported);
            return;
        }

        // UTF-8 JSON however spelled (charset="UTF-8"); the MCP server gets the one spelling it reads.
        http.Request.ContentType = McpContentType.Json;

        if (await McpRequestBody.ReadAsync(http.Request, _options.MaxBodyBytes) is not { } body)
        {
            var tooLarge = string.Create(CultureInfo.InvariantCulture, $"Invalid Request: the body exceeds {_options.MaxBodyBytes} bytes");
            await RefuseAsync(http, new McpWireError(JsonRpcErrorCodes.InvalidRequest, tooLarge, StatusCodes.Status413PayloadTooLarge));
            return;
        }

        var message = McpMessageReader.Read(body, out var error);
        error ??= McpHeaderValidator.Validate(McpRequestHeaders.Read(name => http.Request.Headers[name]), message);
        if (error is not null)
        {
            await RefuseAsync(http, error);
            return;
        }

        if (message.Method == McpMethods.ToolsCall && _options.Tools.TryGetValue(message.Name!, out var needed))
        {
            var granted = http.User.GetMandateScopes();
            var missing = needed.Where(s => !granted.Contains(s, StringComparer.Ordinal)).ToList();
            if (missing.Count > 0)
            {
                await RefuseScopeAsync(http, message, needed, missing, granted);
                return;
            }
        }

        await next(http);
    }

    private async Task RefuseAsync(HttpContext http, McpWireError error)
    {
        McpGateLog.Refused(_logger, error.HttpStatus, error.Code, error.Message);
        await WriteAsync(http, error.HttpStatus, JsonRpcErrorWriter.Write(error));
    }

    private async Task RefuseScopeAsync(HttpContext http, McpMessage message, IReadOnlyList<string> needed, List<string> missing, IReadOnlyList<string> granted)
    {
        var options = http.RequestServices.GetRequiredService<IOptionsMonitor<MandateTokenOptions>>().Get(_options.Scheme);
        var scope = string.Join(' ', needed);
        var tool = McpText.Shown(message.Name);
        var jti = http.User.GetMandateCredentialId() ?? "";
        var description = $"tool '{tool}' needs scope '{scope}' but the credential grants '{string.Join(' ', granted)}'; ask the broker for a credential for {options.Audience} with scope={string.Join(' ', missing)}";
        McpGateLog.ScopeRefused(_logger, tool, jti, scope);
        // MCP authorization: 403 with error="insufficient_scope", every scope the call needs, and resource_metadata.
        MandateChallenge.AppendChallenges(http.Response, options, StatusCodes.Status403Forbidden, MandateTokenFailure.InsufficientScope, description, scope);
        var data = new JsonObject { ["error"] = MandateTokenFailure.InsufficientScope, ["scope"] = scope };
        if (ProtectedResourceMetadata.ChallengeUri(options) is { } metadata)
        {
            data["resource_metadata"] = metadata.ToString();
        }

        await WriteAsync(http, StatusCodes.Status403Forbidden, JsonRpcErrorWriter.Write(message.IdJson, JsonRpcErrorCodes.PolicyDenied, "Forbidden: " + description, data));
    }

    /// <summary>A JSON-RPC error response: the body MCP clients read on a refusal.</summary>
    private static async Task WriteAsync(HttpContext http, int status, byte[] body)
    {
        var response = http.Response;
        if (response.HasStarted)
        {
            return;
        }

        response.StatusCode = status;
        response.ContentType = JsonRpcErrorWriter.ContentType;
        response.Headers.CacheControl = "no-store";
        await response.Body.WriteAsync(body, http.RequestAborted);
    }
}
