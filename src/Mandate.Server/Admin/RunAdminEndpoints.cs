using Mandate.Core;
using Mandate.Core.Runs;
using Mandate.Core.Secrets;
using Mandate.Core.Storage;
using Mandate.Server.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Mandate.Server.Admin;

/// <summary>Runs on the admin socket: list, show, trace, end.</summary>
internal static class RunAdminEndpoints
{
    public static void MapRuns(this RouteGroupBuilder admin)
    {
        admin.MapGetAndHead("/runs", ListAsync).Strict(1000, "agent", "tenant", "user", "open", AdminQuery.Limit);
        admin.MapGetAndHead("/runs/{id}", ShowAsync).NoQuery();
        admin.MapGetAndHead("/runs/{id}/trace", TraceAsync).NoQuery();
        admin.MapPost("/runs/{id}/end", EndAsync).NoQuery();
    }

    // open is read as text: a bound bool? would answer "yes" with a bare 400 that names nothing.
    private static async Task<IResult> ListAsync(IMandateStore store, string? agent, string? tenant, string? user, string? open, string? limit, CancellationToken ct)
    {
        if (open is not (null or "true" or "false"))
        {
            return AdminQuery.Invalid("open must be true or false");
        }

        var runs = await store.ListRunsAsync(new RunQuery { Agent = agent, Tenant = tenant, User = user, OpenOnly = open == "true", Limit = AdminQuery.LimitOr(limit, 100) }, ct);
        return Results.Json(runs.Select(RunJson.Run));
    }

    /// <summary>A recorded run, or the run id of plain exchanges as the audit records carrying it tell it.</summary>
    private static async Task<IResult> ShowAsync(IMandateStore store, string id, CancellationToken ct) =>
        (await store.GetRunAsync(id, ct) ?? (await RunTraceBuilder.BuildAsync(store, id, ct))?.Run) is { } run ? Results.Json(RunJson.Run(run)) : NotFound(id);

    private static async Task<IResult> TraceAsync(IMandateStore store, string id, CancellationToken ct) =>
        await RunTraceBuilder.BuildAsync(store, id, ct) is { } trace ? Results.Json(RunJson.Trace(trace)) : NotFound(id);

    private static async Task<IResult> EndAsync(RunService runs, string id, HttpRequest http, SecretVault vault, CancellationToken ct)
    {
        var (request, bodyProblem) = await AdminBody.ReadAsync<EndRunRequest>(http, ct);
        if (bodyProblem is not null)
        {
            return bodyProblem;
        }

        if (await AdminText.RefusalAsync(vault, ct, ("reason", request?.Reason), ("by", request?.By)) is { } textProblem)
        {
            return textProblem;
        }

        var ended = await runs.EndAsync(id, request?.By ?? "admin", request?.Reason, ct);
        return ended is null ? NotFound(id) : Results.Json(new { ended = ended.Select(r => r.Id) });
    }

    private static IResult NotFound(string id) =>
        ProblemChecks.Problem(AdminChecks.RunUnknown, "unknown run", $"no run '{id}' is recorded and no audit record carries it; 'mandate runs list' shows recent runs", StatusCodes.Status404NotFound);
}
