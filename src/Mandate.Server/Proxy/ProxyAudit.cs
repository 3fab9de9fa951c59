using System.Globalization;
using Mandate.Core.Audit;
using Mandate.Core.Configuration;
using Mandate.Core.Storage;
using Microsoft.Extensions.Logging;

namespace Mandate.Server.Proxy;

/// <summary>
/// One audit record per proxied call: who (agent, run, tenant, user), which tool, credential (jti, decision,
/// rule), method, path without query, status, bytes and duration. Never bodies, query strings, tokens or secrets.
/// </summary>
internal sealed partial class ProxyAudit
{
    private readonly IUnitOfWork _trail;
    private readonly MandateOptions _options;
    private readonly ILogger<ProxyAudit> _logger;

    public ProxyAudit(IUnitOfWork trail, MandateOptions options, ILogger<ProxyAudit> logger)
    {
        _trail = trail;
        _options = options;
        _logger = logger;
    }

    public async Task RecordAsync(ProxyCall call, TimeSpan duration)
    {
        var evidence = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["method"] = call.Method.Length <= 16 ? call.Method : call.Method[..16],
            ["status"] = call.Status.ToString(CultureInfo.InvariantCulture),
            ["request_bytes"] = call.RequestBytes.ToString(CultureInfo.InvariantCulture),
            ["response_bytes"] = call.ResponseBytes.ToString(CultureInfo.InvariantCulture),
            ["duration_ms"] = duration.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture),
            ["mode"] = call.Mode,
        };
        if (call.Target is { } target)
        {
            evidence["path"] = target.Path.Length <= 512 ? target.Path : target.Path[..512];
        }

        Add(evidence, "upstream", call.Upstream);
        Add(evidence, "secret_version", call.SecretVersion?.ToString(CultureInfo.InvariantCulture));
        Add(evidence, "problem", call.Refusal?.Title);
        Add(evidence, "check_id", call.Refusal?.CheckId);
        Add(evidence, "mcp_method", call.McpMethod is { Length: > 64 } m ? m[..64] : call.McpMethod);
        var outcome = call.Refusal is null ? "forwarded" : call.Forwarded ? "failed" : "refused";
        await CommitAsync(Event(EgressAuditKinds.ProxyCall, call, outcome, call.Refusal?.Detail, evidence) with { Rule = call.Rule }, call);
    }

    /// <summary>A record of one call through the proxy: who (from the call's credential), which tool, when, the outcome.</summary>
    internal AuditEvent Event(string kind, ProxyCall call, string outcome, string? reason, SortedDictionary<string, string> evidence)
    {
        var c = call.Credential;
        return new AuditEvent
        {
            Kind = kind,
            Time = call.Started,
            Outcome = outcome,
            Reason = reason,
            Agent = c?.Agent,
            Tenant = c?.Tenant,
            User = c?.User,
            Run = c?.Run,
            Tool = call.Tool,
            Scope = c?.Scope,
            Jti = c?.Jti,
            DecisionId = c?.DecisionId,
            PolicyVersion = c?.PolicyVersion,
            Node = _options.Node,
            Evidence = evidence,
        };
    }

    /// <summary>
    /// Makes the record durable. The response is already decided; a store that cannot take the record is logged, not
    /// answered (the store-outage path refuses the next calls).
    /// </summary>
    internal async Task CommitAsync(AuditEvent record, ProxyCall call)
    {
        Telemetry.RequestMetrics.CountCall(record);
        try
        {
            await _trail.CommitAsync(new StoreBatch(record), CancellationToken.None);
        }
        catch (StoreUnavailableException)
        {
            LogNotRecorded(_logger, record.Kind, call.Tool ?? "-", record.Jti ?? "-", call.Status);
        }
    }

    internal static void Add(SortedDictionary<string, string> evidence, string key, string? value)
    {
        if (value is not null)
        {
            evidence[key] = value;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Kind} record of a call to tool {Tool} (jti {Jti}, status {Status}) could not be written: the store is unavailable")]
    private static partial void LogNotRecorded(ILogger logger, string kind, string tool, string jti, int status);
}
