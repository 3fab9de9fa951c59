using Mandate.Core;
using Mandate.Core.Approvals;
using Mandate.Core.Secrets;
using Mandate.Core.Storage;
using Mandate.Server.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Mandate.Server.Admin;

/// <summary>
/// Approvals on the admin socket: list them, approve or deny one. Behind <c>mandate approvals</c>; the approver
/// is whoever the client says (the CLI sends <c>admin:&lt;OS user&gt;</c>), trusted because the socket is 0600.
/// Approving one whose agent, run, tenant or user no longer stands withdraws it: 409 with check id <c>approval.withdrawn</c>.
/// </summary>
public static class ApprovalAdminEndpoints
{
    public static void MapApprovals(this RouteGroupBuilder admin)
    {
        ArgumentNullException.ThrowIfNull(admin);
        admin.MapGetAndHead("/approvals", ListAsync).Strict(1000, "status", AdminQuery.Limit);
        admin.MapPost("/approvals/{id}/approve", (string id, HttpRequest http, ApprovalService service, SecretVault vault, CancellationToken ct) => DecideAsync(id, true, http, service, vault, ct)).NoQuery();
        admin.MapPost("/approvals/{id}/deny", (string id, HttpRequest http, ApprovalService service, SecretVault vault, CancellationToken ct) => DecideAsync(id, false, http, service, vault, ct)).NoQuery();
    }

    /// <summary>The status names the list takes, from the enum, so a new status is named without another edit here.</summary>
    private static readonly string StatusNames = string.Join(", ", Enum.GetNames<ApprovalStatus>()[..^1].Select(n => n.ToLowerInvariant()))
        + " or " + Enum.GetNames<ApprovalStatus>()[^1].ToLowerInvariant();

    private static async Task<IResult> ListAsync(IMandateStore store, TimeProvider time, string? status, string? limit, CancellationToken cancellationToken)
    {
        ApprovalStatus? filter = null;
        if (status is not null)
        {
            // Only a status name: Enum.TryParse would also take "1", " pending" and "pending,denied" (a flags combination).
            if (!Enum.GetNames<ApprovalStatus>().Contains(status, StringComparer.OrdinalIgnoreCase) || !Enum.TryParse<ApprovalStatus>(status, ignoreCase: true, out var parsed))
            {
                return ProblemChecks.Problem(AdminChecks.ApprovalStatusInvalid, "invalid status", $"status is {StatusNames}", StatusCodes.Status400BadRequest);
            }

            filter = parsed;
        }

        var now = time.GetUtcNow();
        var approvals = await store.ListApprovalsAsync(filter, AdminQuery.LimitOr(limit, 100), cancellationToken);
        return Results.Json(approvals.Select(a => View(a, now)));
    }

    private static async Task<IResult> DecideAsync(string id, bool approve, HttpRequest http, ApprovalService service, SecretVault vault, CancellationToken cancellationToken)
    {
        var (body, bodyProblem) = await AdminBody.ReadAsync<ApprovalDecisionRequest>(http, cancellationToken);
        if (bodyProblem is not null)
        {
            return bodyProblem;
        }

        if (await AdminText.RefusalAsync(vault, cancellationToken, ("approver", body?.Approver), ("reason", body?.Reason)) is { } textProblem)
        {
            return textProblem;
        }

        var approver = body?.Approver ?? "admin";
        var decided = await service.DecideAsync(id, approve, approver, body?.Reason, cancellationToken);
        var (approval, error) = decided;
        if (approval is null)
        {
            return ProblemChecks.Problem(AdminChecks.ApprovalUnknown, "approval not changed", error ?? $"no approval '{id}'", StatusCodes.Status404NotFound);
        }

        if (error is not null)
        {
            // A registration refusal leaves the approval pending: not approved, but not withdrawn either.
            return decided.CheckId is { } check
                ? ProblemChecks.Problem(check, approval.Status == ApprovalStatus.Withdrawn ? "approval withdrawn" : "approval not approved", error, StatusCodes.Status409Conflict)
                : ProblemChecks.Problem(AdminChecks.ApprovalNotPending, "approval not changed", error, StatusCodes.Status409Conflict);
        }

        return Results.Json(View(approval, approval.DecidedAt ?? DateTimeOffset.MinValue));
    }

    private static object View(Approval a, DateTimeOffset now) => new
    {
        id = a.Id,
        status = a.IsExpired(now) ? "expired" : a.Status.ToString().ToLowerInvariant(),
        agent = a.Agent,
        run = a.Run,
        tool = a.Tool,
        tenant = a.Tenant,
        user = a.User,
        scope = a.Scope,
        authorization_details = a.AuthorizationDetails,
        binding_message = a.BindingMessage,
        binding_hash = a.BindingHash,
        rule = a.Rule,
        created_at = a.CreatedAt,
        expires_at = a.ExpiresAt,
        approver = a.Approver,
        reason = a.DecidedReason,
        jti = a.Jti,
    };
}
