using System.Globalization;
using Mandate.Core.Audit;

namespace Mandate.Server.Proxy.Mcp;

/// <summary>
/// One <c>mcp_call</c> audit record per <c>tools/call</c> through the gateway: who (agent, run, tenant, user), which
/// MCP server (the Mandate tool) and MCP tool, the arguments' SHA-256 (the arguments themselves only when the deciding
/// rule sets <c>record_arguments</c>), the decision (outcome, rule, policy version, approval; inside a child run, the rule
/// of every agent up the chain), the upstream status and the duration. Never a token or a secret.
/// </summary>
internal sealed class McpAudit
{
    // The arguments a rule opted to record are kept whole up to this size; beyond it the record says they were cut.
    private const int MaxRecordedArguments = 8 * 1024;

    private readonly ProxyAudit _audit;

    public McpAudit(ProxyAudit audit) => _audit = audit;

    public async Task RecordAsync(ProxyCall call, McpCallRecord mcp, TimeSpan duration)
    {
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
        if (d is { Delegators.Count: > 0 })
        {
            // Invariant 3, R6: inside a child run, which rule decided the call for each agent up the chain, and whose refused or asked a human.
            evidence["delegator_rules"] = string.Join("; ", d.Delegators);
            Add(evidence, d.CheckId == Core.Mcp.McpCallChecks.DelegatorNotAllowed ? "delegator" : "approval_required_by", d.Delegator);
            Add(evidence, "delegator_run", d.DelegatorRun);
        }

        if (d is { RecordArguments: true })
        {
            evidence["arguments"] = mcp.ArgumentsJson.Length <= MaxRecordedArguments ? mcp.ArgumentsJson : mcp.ArgumentsJson[..MaxRecordedArguments] + "…(cut)";
        }

        // The operator's text of a policy refusal (its Detail) when it says more than the caller was told.
        var reason = d?.Verdict == Core.Mcp.McpCallVerdict.Allowed ? call.Refusal?.Detail : d?.Detail ?? d?.Description ?? call.Refusal?.Detail;
        var record = _audit.Event(EgressAuditKinds.McpCall, call, mcp.Outcome(call), reason, evidence);
        await _audit.CommitAsync(record with { PolicyVersion = d?.PolicyVersion ?? record.PolicyVersion, Rule = d?.Rule }, call);
    }

    private static void Add(SortedDictionary<string, string> evidence, string key, string? value) => ProxyAudit.Add(evidence, key, value);
}
