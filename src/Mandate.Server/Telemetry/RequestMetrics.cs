using System.Diagnostics.Metrics;
using Mandate.Core.Audit;
using Mandate.Core.Telemetry;
using Mandate.SenderConstraint;

namespace Mandate.Server.Telemetry;

/// <summary>
/// The counters of the endpoints other than the token endpoint, each by outcome and, on a refusal, the stable check
/// id. Read from what the request already computed (its audit record, its refusal); every attribute value is from a
/// fixed set, so no caller's value ever becomes a series. Without a listener (telemetry off) each is a flag check.
/// </summary>
internal static class RequestMetrics
{
    public const string DpopWhere = "mandate.dpop.where";

    private static readonly Counter<long> Introspections = MandateTelemetry.Meter.CreateCounter<long>(
        "mandate.introspections", "{request}", "Introspection requests answered: active, inactive, or refused with a check id");

    private static readonly Counter<long> Revocations = MandateTelemetry.Meter.CreateCounter<long>(
        "mandate.revocations", "{request}", "Revocation requests (RFC 7009 and admin) answered: revoked, or refused with a check id");

    private static readonly Counter<long> ProxyCalls = MandateTelemetry.Meter.CreateCounter<long>(
        "mandate.proxy_calls", "{call}", "Calls through the egress proxy, by outcome and the check id of a refusal");

    private static readonly Counter<long> McpCalls = MandateTelemetry.Meter.CreateCounter<long>(
        "mandate.mcp_calls", "{call}", "MCP tools/call requests through the gateway, by outcome and the check id of a refusal");

    private static readonly Counter<long> ApprovalsDecided = MandateTelemetry.Meter.CreateCounter<long>(
        "mandate.approvals.decided", "{approval}", "Approvals a person approved or denied");

    private static readonly Counter<long> DpopReplays = MandateTelemetry.Meter.CreateCounter<long>(
        "mandate.dpop.replays", "{proof}", "DPoP proofs refused as replayed (jti seen before), by where");

    private static readonly KeyValuePair<string, object?> Active = Outcome("active");
    private static readonly KeyValuePair<string, object?> Inactive = Outcome("inactive");
    private static readonly KeyValuePair<string, object?> Revoked = Outcome("revoked");
    private static readonly KeyValuePair<string, object?> Refused = Outcome("refused");
    private static readonly KeyValuePair<string, object?> Forwarded = Outcome("forwarded");
    private static readonly KeyValuePair<string, object?> Failed = Outcome("failed");
    private static readonly KeyValuePair<string, object?> ApprovalRequired = Outcome("approval_required");
    private static readonly KeyValuePair<string, object?> Approved = Outcome("approved");
    private static readonly KeyValuePair<string, object?> Denied = Outcome("denied");
    private static readonly KeyValuePair<string, object?> NoCheck = new(SpanAttributes.CheckId, "");

    /// <summary>Where a replayed DPoP proof was refused.</summary>
    public static readonly KeyValuePair<string, object?> AtTokenEndpoint = new(DpopWhere, "token_endpoint");
    public static readonly KeyValuePair<string, object?> AtProxy = new(DpopWhere, "proxy");
    public static readonly KeyValuePair<string, object?> AtMcp = new(DpopWhere, "mcp");

    /// <summary>Counts an introspection answered <c>active</c> or not; a refused one is counted as its request ends.</summary>
    public static void Introspected(bool active) => Introspections.Add(1, active ? Active : Inactive, NoCheck);

    /// <summary>
    /// Counts a revocation as its request ends, and a refused introspection (an answered one is counted by
    /// <see cref="Introspected"/>); called by <see cref="MandateSpans"/>.
    /// </summary>
    public static void CountAnswered(string span, RequestTelemetry request, int status)
    {
        var counter = span == MandateSpan.Introspect ? Introspections : span == MandateSpan.Revoke ? Revocations : null;
        if (counter is not { Enabled: true })
        {
            return;
        }

        // A refusal names its check; a 4xx/5xx the host wrote without one (an oversized body, say) is a refusal too.
        if (request.CheckId is not null || status >= 400)
        {
            counter.Add(1, Refused, new KeyValuePair<string, object?>(SpanAttributes.CheckId, request.CheckId ?? ""));
        }
        else if (counter == Revocations)
        {
            counter.Add(1, Revoked, NoCheck);
        }
    }

    /// <summary>Counts a call through the egress proxy or the MCP gateway from its audit record.</summary>
    public static void CountCall(AuditEvent record)
    {
        var mcp = record.Kind == EgressAuditKinds.McpCall;
        var counter = mcp ? McpCalls : ProxyCalls;
        if (!counter.Enabled)
        {
            return;
        }

        var outcome = record.Outcome switch
        {
            "forwarded" or "allowed" => Forwarded,
            "failed" => Failed,
            "pending" when mcp => ApprovalRequired,
            _ => Refused,
        };
        var check = record.Evidence.TryGetValue("check_id", out var id) ? id : "";
        counter.Add(1, outcome, new KeyValuePair<string, object?>(SpanAttributes.CheckId, check));
    }

    /// <summary>Counts the decisions among <paramref name="records"/>, which an approval transition has just committed.</summary>
    public static void CountDecided(IReadOnlyList<AuditEvent> records)
    {
        if (!ApprovalsDecided.Enabled)
        {
            return;
        }

        foreach (var record in records)
        {
            if (record.Kind == AuditKinds.ApprovalDecided)
            {
                ApprovalsDecided.Add(1, record.Outcome == "approved" ? Approved : Denied);
            }
        }
    }

    /// <summary>Counts a DPoP proof refused by <paramref name="checkId"/> at <paramref name="where"/> (one of the <c>At…</c> tags) when it was a replay.</summary>
    public static void CountDpopReplay(string? checkId, KeyValuePair<string, object?> where)
    {
        if (checkId == BindingChecks.DpopProofReplayed)
        {
            DpopReplays.Add(1, where);
        }
    }

    private static KeyValuePair<string, object?> Outcome(string value) => new(SpanAttributes.Outcome, value);
}
