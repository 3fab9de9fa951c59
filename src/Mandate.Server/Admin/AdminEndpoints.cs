using Mandate.Core;
using Mandate.Core.Audit;
using Mandate.Core.Configuration;
using Mandate.Core.Keys;
using Mandate.Core.Policy;
using Mandate.Core.Revocation;
using Mandate.Core.Secrets;
using Mandate.Core.Spiffe;
using Mandate.Core.Storage;
using Mandate.Policy;
using Mandate.Server.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Mandate.Server.Admin;

/// <summary>
/// The operator API behind <c>mandate revoke</c> and friends. Served only on the admin Unix socket,
/// whose file mode (0600) is the access control; the TCP listener answers 404 for these paths.
/// </summary>
public static class AdminEndpoints
{
    public const string Prefix = "/admin";

    public static void MapAdmin(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup(Prefix).AddEndpointFilter(async (context, next) =>
            IsAdminSocket(context.HttpContext) ? await next(context) : Results.NotFound());
        admin.MapPost("/revocations", RevokeAsync).NoQuery();
        admin.MapGetAndHead("/audit", AdminAuditQuery.Answer).Strict(10_000, "agent", "tenant", "user", "run", "jti", "kind", "trace", "since", "until", "order", AdminQuery.Limit);
        admin.MapPost("/audit/checkpoint", AuditCheckpointEndpoint.WriteAsync).NoQuery();
        admin.MapGetAndHead("/status", Status).NoQuery();
        admin.MapApprovals();
        admin.MapPost("/agents/enable", EnableAgentAsync).NoQuery();
        admin.MapRuns();
        admin.MapEntries();
        admin.MapSecrets();
        admin.MapKeys();
        Console.ConsoleAdminEndpoints.MapConsoleLogin(admin);
    }

    // A connection without an IP end point is one of the broker's Unix sockets (every other listener is TCP), whatever
    // Host it names. The workload socket is world-writable: its connections never reach the admin API.
    private static bool IsAdminSocket(HttpContext http) =>
        http.Features.Get<WorkloadApi.WorkloadConnection>() is null
        && http.Connection.LocalIpAddress is null && http.Connection.LocalPort == 0;

    /// <summary>The Host the admin client sends; any Host is answered on the admin socket, and none over TCP.</summary>
    public const string AdminHost = "mandate-admin";

    private static async Task<IResult> RevokeAsync(HttpRequest http, RevocationService revocations, IMandateStore store, SecretVault vault, CancellationToken cancellationToken)
    {
        var (request, bodyProblem) = await AdminBody.ReadAsync<RevocationRequest>(http, cancellationToken);
        if (bodyProblem is not null)
        {
            return bodyProblem;
        }

        if (await AdminText.RefusalAsync(vault, cancellationToken, ("reason", request?.Reason), ("by", request?.By)) is { } textProblem)
        {
            return textProblem;
        }

        if (request is null || string.IsNullOrWhiteSpace(request.Value) || !request.TryGetTarget(out var target))
        {
            return ProblemChecks.Problem(
                AdminChecks.RevocationInvalid,
                "invalid revocation",
                "send {\"target\": \"token|run|agent|tenant|user\", \"value\": \"…\", \"reason\": \"…\"}",
                StatusCodes.Status400BadRequest);
        }

        if (RevocationValue.Problem(target, request.Value) is { } problem)
        {
            return ProblemChecks.Problem(AdminChecks.RevocationInvalid, "invalid revocation", problem, StatusCodes.Status400BadRequest);
        }

        // Read before revoking: the revocation's own record carries the run, tenant or user it names.
        var seen = target is RevocationTarget.Run or RevocationTarget.Tenant or RevocationTarget.User
            ? await SeenAsync(store, Carrying(target, request.Value), cancellationToken)
            : null;
        var (r, recorded) = await revocations.RevokeAsync(target, request.Value, request.By ?? "admin", request.Reason, null, cancellationToken);
        var issued = target == RevocationTarget.Token ? await IssuedAsync(store, request.Value, cancellationToken) : null;

        // 201: in force and durable. 202: in force in this broker now, written when the store returns.
        return Results.Json(
            new
            {
                id = r.Id, target = r.Target.ToString().ToLowerInvariant(), value = r.Value, revoked_at = r.RevokedAt, recorded, issued, seen,
                status = recorded ? RevocationStatus.Recorded : RevocationStatus.Pending,
            },
            statusCode: recorded ? StatusCodes.Status201Created : StatusCodes.Status202Accepted);
    }

    /// <summary>
    /// Whether the broker issued <paramref name="jti"/>: a credential (an issuance record) or a JWT-SVID (an svid record;
    /// ValidateJWTSVID refuses it once revoked); null when the store cannot say.
    /// </summary>
    private static async Task<bool?> IssuedAsync(IMandateStore store, string jti, CancellationToken cancellationToken)
    {
        var credential = await SeenAsync(store, new AuditQuery { Jti = jti, Kind = AuditKinds.Issuance, Limit = 1 }, cancellationToken);
        return credential is false
            ? await SeenAsync(store, new AuditQuery { Jti = jti, Kind = SpiffeAuditKinds.Svid, Limit = 1 }, cancellationToken)
            : credential;
    }

    /// <summary>
    /// Whether the trail holds a record matching <paramref name="query"/> (an issuance with the jti; any record with the
    /// run, tenant or user), so a mistyped value during an incident is noticed (the revocation stands either way: it may
    /// come before first use); null when the store cannot say.
    /// </summary>
    private static async Task<bool?> SeenAsync(IMandateStore store, AuditQuery query, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var _ in store.ReadAuditAsync(query, cancellationToken))
            {
                return true;
            }

            return false;
        }
        catch (StoreUnavailableException)
        {
            return null;
        }
    }

    private static AuditQuery Carrying(RevocationTarget target, string value) => target switch
    {
        RevocationTarget.Run => new AuditQuery { Run = value, Limit = 1 },
        RevocationTarget.Tenant => new AuditQuery { Tenant = value, Limit = 1 },
        _ => new AuditQuery { User = value, Limit = 1 },
    };

    private static async Task<IResult> EnableAgentAsync(HttpRequest http, RevocationService revocations, SecretVault vault, CancellationToken cancellationToken)
    {
        var (request, bodyProblem) = await AdminBody.ReadAsync<EnableAgentRequest>(http, cancellationToken);
        if (bodyProblem is not null)
        {
            return bodyProblem;
        }

        if (await AdminText.RefusalAsync(vault, cancellationToken, ("reason", request?.Reason), ("by", request?.By)) is { } textProblem)
        {
            return textProblem;
        }

        if (request?.Agent is not { Length: > 0 } agent)
        {
            return ProblemChecks.Problem(AdminChecks.EnableInvalid, "invalid request", "send {\"agent\": \"spiffe://…\", \"reason\": \"…\"}", StatusCodes.Status400BadRequest);
        }

        var lifted = await revocations.EnableAgentAsync(agent, request.By ?? "admin", request.Reason, cancellationToken);
        return lifted is null
            ? ProblemChecks.Problem(AdminChecks.AgentNotDisabled, "agent not disabled", $"agent '{agent}' is not disabled", StatusCodes.Status409Conflict)
            : Results.Json(new { agent, lifted = lifted.Id });
    }

    private static IResult Status(
        MandateOptions options, SigningKeyRing keys, PolicyProvider policy, RevocationList revocations, IMandateStore store,
        Core.Cluster.IChangeFeed feed, Hosting.ClusterLeadership leadership, Core.Revocation.RevocationFollower follower) =>
        Results.Json(new
        {
            node = options.Node,
            store = store.Description,
            change_feed_current = feed.IsCurrent,
            revocation_cursor = follower.Cursor,
            leader_roles = leadership.Held,
            issuer = options.Issuer,
            trust_domain = options.TrustDomain,
            environment = options.Environment,
            policy_version = policy.Current.Version,
            active_kid = keys.Current.Active.Kid,
            published_kids = keys.Current.Published.Select(k => k.Kid),
            live_revocations = revocations.Count,
        });
}
