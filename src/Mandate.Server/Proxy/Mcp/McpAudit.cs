using System.Globalization;
using Mandate.Core.Audit;
using Mandate.Core.Configuration;
using Mandate.Core.Storage;
using Microsoft.Extensions.Logging;

namespace Mandate.Server.Proxy.Mcp;

/// <summary>
/// One <c>mcp_call</c> audit record per <c>tools/call</c> through the gateway: who (agent, run, tenant, user), which
/// MCP server (the Mandate tool) and MCP tool, the arguments' SHA-256 (the arguments themselves only when the deciding
/// rule sets <c>record_arguments</c>), the decision (outcome, rule, policy version, approval), the upstream status and
/// the duration. Never a token or a secret.
/// </summary>
internal sealed partial class McpAudit
{
    // The arguments a rule opted to record are kept whole up to this size; beyond it the record says they were cut.
    private const int MaxRecordedArguments = 8 * 1024;

    private readonly IUnitOfWork _trail;
    private readonly MandateOptions _options;
    private readonly ILogger<McpAudit> _logger;

    public McpAudit(IUnitOfWork trail, MandateOptions options, ILogger<McpAudit> logger)
    {
        _trail = trail;
        _options = options;
        _logger = logger;
    }

    public async Task RecordAsync(ProxyCall call, McpCallRecord mcp, TimeSpan duration)
    {
        var c = call.Credential;
        var d = mcp.Decision;
        var evidence = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["mcp_tool"] = mcp.Tool.Length <= 256 ? mcp.Tool : mcp.Tool[..256],
            ["status"] = call.Status.ToString(CultureInfo.InvariantCulture),
            ["duration_ms"] = duration.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture),
            ["mode"] = call.Mode,
            ["request_bytes"] = call.RequestBytes.ToString(CultureInfo.InvariantCulture),
            ["response_bytes"] = call.ResponseBytes.ToString(CultureInfo.InvariantCulture),
        };
        Add(evidence, "arguments_sha256", d?.ArgumentsHash);
        Add(evidence, "verdict", d?.Verdict.ToString().ToLowerInvariant());
        Add(evidence, "check_id", d?.CheckId ?? call.Refusal?.CheckId);
        Add(evidence, "approval_id", d?.ApprovalId);
        Add(evidence, "protocol_version", mcp.ProtocolVersion);
        Add(evidence, "upstream", call.Upstream);
        Add(evidence, "upstream_status", call.Forwarded ? call.Status.ToString(CultureInfo.InvariantCulture) : null);
        Add(evidence, "upstream_jti", mcp.UpstreamJti);
        Add(evidence, "secret_version", call.SecretVersion?.ToString(CultureInfo.InvariantCulture));
        if (d is { RecordArguments: true })
        {
            evidence["arguments"] = mcp.ArgumentsJson.Length <= MaxRecordedArguments ? mcp.ArgumentsJson : mcp.ArgumentsJson[..MaxRecordedArguments] + "…(cut)";
        }

        var e = new AuditEvent
        {
            Kind = EgressAuditKinds.McpCall,
            Time = call.Started,
            Outcome = mcp.Outcome(call),
            Reason = d?.Verdict == Core.Mcp.McpCallVerdict.Allowed ? call.Refusal?.Detail : d?.Description ?? call.Refusal?.Detail,
            Agent = c?.Agent,
            Tenant = c?.Tenant,
            User = c?.User,
            Run = c?.Run,
            Tool = call.Tool,
            Scope = c?.Scope,
            Jti = c?.Jti,
            DecisionId = c?.DecisionId,
            PolicyVersion = d?.PolicyVersion ?? c?.PolicyVersion,
            Rule = d?.Rule,
            Node = _options.Node,
            Evidence = evidence,
        };
        try
        {
            await _trail.CommitAsync(new StoreBatch(e), CancellationToken.None);
        }
        catch (StoreUnavailableException)
        {
            LogNotRecorded(_logger, call.Tool ?? "-", c?.Jti ?? "-", call.Status);
        }
    }

    private static void Add(SortedDictionary<string, string> evidence, string key, string? value)
    {
        if (value is not null)
        {
            evidence[key] = value;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "MCP call to tool {Tool} (jti {Jti}, status {Status}) could not be audited: the store is unavailable")]
    private static partial void LogNotRecorded(ILogger logger, string tool, string jti, int status);
}
