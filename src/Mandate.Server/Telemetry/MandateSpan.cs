using System.Diagnostics;
using Mandate.Core.Audit;
using Mandate.SenderConstraint;
using Microsoft.AspNetCore.Http;

namespace Mandate.Server.Telemetry;

/// <summary>
/// Puts the principal and the decision on the request's Mandate span, taken from the audit records the request
/// writes (so a span says exactly what the trail says) and from the refusal it answers with. Identities, ids,
/// versions and outcomes only: never a token, secret, proof or client assertion.
/// </summary>
public static class MandateSpan
{
    /// <summary>Span names; one span per request to an endpoint that decides something.</summary>
    public const string Exchange = "mandate.exchange";
    public const string Introspect = "mandate.introspect";
    public const string Revoke = "mandate.revoke";
    public const string Approval = "mandate.approval";
    public const string ProxyCall = "mandate.proxy_call";
    public const string McpCall = "mandate.mcp_call";

    /// <summary>The current Mandate span, when one is recording; null (cheaply) when telemetry is off.</summary>
    internal static Activity? Recording =>
        Activity.Current is { IsAllDataRequested: true } a && ReferenceEquals(a.Source, Core.Telemetry.MandateTelemetry.Source) ? a : null;

    /// <summary>Describes <paramref name="records"/>, in order, on the current Mandate span when one is recording.</summary>
    internal static void DescribeOnRecording(IEnumerable<AuditEvent> records)
    {
        if (Recording is { } span)
        {
            foreach (var record in records)
            {
                Describe(span, record);
            }
        }
    }

    /// <summary>Tags <paramref name="span"/> with what <paramref name="record"/> says; a later record of the request overrides an earlier one.</summary>
    public static void Describe(Activity span, AuditEvent record)
    {
        ArgumentNullException.ThrowIfNull(span);
        ArgumentNullException.ThrowIfNull(record);
        span.SetTag(SpanAttributes.Kind, record.Kind);
        span.SetTag(SpanAttributes.Outcome, record.Outcome);
        Set(span, SpanAttributes.Agent, record.Agent);
        Set(span, SpanAttributes.Run, record.Run);
        Set(span, SpanAttributes.Tenant, record.Tenant);
        Set(span, SpanAttributes.User, record.User);
        Set(span, SpanAttributes.Tool, record.Tool);
        Set(span, SpanAttributes.Scope, record.Scope);
        Set(span, SpanAttributes.PolicyVersion, record.PolicyVersion);
        Set(span, SpanAttributes.Rule, record.Rule);
        Set(span, SpanAttributes.DecisionId, record.DecisionId);
        Set(span, SpanAttributes.Jti, record.Jti);
        Set(span, SpanAttributes.ParentRun, Evidence(record, "parent_run"));
        Set(span, SpanAttributes.Approval, Evidence(record, "approval_id"));
        Set(span, SpanAttributes.Approver, Evidence(record, "approver"));
        if (Evidence(record, "exp") is { } exp && long.TryParse(exp, out var seconds))
        {
            span.SetTag(SpanAttributes.Expires, DateTimeOffset.FromUnixTimeSeconds(seconds).ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        }

        // The span takes the name of what the request turned out to be: an exchange that needs approval, a poll or
        // a decision is an approval step; a proxied call that was an MCP tools/call is an MCP call.
        if (record.Kind is AuditKinds.ApprovalRequested or AuditKinds.ApprovalDecided or AuditKinds.ApprovalRefused or AuditKinds.ApprovalConsumed)
        {
            span.DisplayName = Approval;
        }
        else if (record.Kind == EgressAuditKinds.McpCall)
        {
            span.DisplayName = McpCall;
        }
    }

    /// <summary>
    /// Marks the request as refused by <paramref name="checkId"/> with <paramref name="error"/>: on the span (error
    /// status) and for the request counters. Called where OAuth errors and Problem Details are written.
    /// </summary>
    public static void Refuse(HttpContext http, string? error, string? checkId)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (http.Features.Get<RequestTelemetry>() is not { } request)
        {
            return;
        }

        request.CheckId = checkId;
        if (request.Span is { IsAllDataRequested: true } span)
        {
            Set(span, SpanAttributes.CheckId, checkId);
            Set(span, SpanAttributes.OAuthError, error);
            span.SetStatus(ActivityStatusCode.Error, checkId ?? error);
        }
    }

    private static string? Evidence(AuditEvent record, string key) => record.Evidence.TryGetValue(key, out var value) ? value : null;

    private static void Set(Activity span, string name, string? value)
    {
        if (value is not null)
        {
            // Records carry what callers chose (a user's subject, a requested scope): a tag never holds more than an
            // error description would, so one request cannot make every span exported after it heavy.
            span.SetTag(name, value.Length <= OAuthErrorText.MaxLength ? value : OAuthErrorText.Sanitize(value));
        }
    }
}
