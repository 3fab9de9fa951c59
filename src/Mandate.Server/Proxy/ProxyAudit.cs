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
        var c = call.Credential;
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
        Add(evidence, "mcp_method", call.McpMethod is { Length: > 64 } m ? m[..64] : call.McpMethod);
        var e = new AuditEvent
        {
            Kind = EgressAuditKinds.ProxyCall,
            Time = call.Started,
            Outcome = call.Refusal is null ? "forwarded" : call.Forwarded ? "failed" : "refused",
            Reason = call.Refusal?.Detail,
            Agent = c?.Agent,
            Tenant = c?.Tenant,
            User = c?.User,
            Run = c?.Run,
            Tool = call.Tool,
            Scope = c?.Scope,
            Jti = c?.Jti,
            DecisionId = c?.DecisionId,
            PolicyVersion = c?.PolicyVersion,
            Rule = call.Rule,
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

    [LoggerMessage(Level = LogLevel.Error, Message = "Proxied call to tool {Tool} (jti {Jti}, status {Status}) could not be audited: the store is unavailable")]
    private static partial void LogNotRecorded(ILogger logger, string tool, string jti, int status);
}
