using Mandate.Core.Configuration;
using Mandate.Core.Secrets;
using Mandate.Core.Spiffe;
using Mandate.Server.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Mandate.Server.Admin;

/// <summary>SPIFFE registration entries on the admin socket: create, list, delete (each change audited).</summary>
internal static class EntryAdminEndpoints
{
    public static void MapEntries(this RouteGroupBuilder admin)
    {
        admin.MapPost("/entries", CreateAsync).NoQuery();
        admin.MapGetAndHead("/entries", ListAsync).NoQuery();
        admin.MapDelete("/entries/{id}", DeleteAsync).Strict(1, "by", "reason");
    }

    public static object Json(RegistrationEntry e) => new
    {
        id = e.Id,
        spiffe_id = e.SpiffeId,
        selectors = e.Selectors,
        x509_ttl = e.X509Ttl is { } x ? Duration.Format(x) : null,
        jwt_ttl = e.JwtTtl is { } j ? Duration.Format(j) : null,
        created_at = e.CreatedAt,
        created_by = e.CreatedBy,
    };

    private static async Task<IResult> CreateAsync(HttpRequest http, RegistrationEntryService entries, SecretVault vault, CancellationToken ct)
    {
        var (request, bodyProblem) = await AdminBody.ReadAsync<CreateEntryRequest>(http, ct);
        if (bodyProblem is not null)
        {
            return bodyProblem;
        }

        if (request is null)
        {
            return Invalid(["send {\"spiffe_id\": \"spiffe://…\", \"selectors\": [\"unix:uid:1000\"], \"x509_ttl\": \"1h\", \"jwt_ttl\": \"5m\"}"]);
        }

        if (await AdminText.RefusalAsync(vault, ct, ("by", request.By)) is { } textProblem)
        {
            return textProblem;
        }

        var problems = new List<string>();
        var x509 = ParseTtl(request.X509Ttl, "x509_ttl", problems);
        var jwt = ParseTtl(request.JwtTtl, "jwt_ttl", problems);
        if (problems.Count > 0)
        {
            return Invalid(problems);
        }

        var (entry, invalid) = await entries.CreateAsync(request.SpiffeId, request.Selectors, x509, jwt, request.By ?? "admin", ct);
        return entry is null ? Invalid(invalid) : Results.Json(Json(entry), statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> ListAsync(RegistrationEntryService entries, CancellationToken ct) =>
        Results.Json((await entries.ListAsync(ct)).Select(Json));

    private static async Task<IResult> DeleteAsync(string id, string? by, string? reason, RegistrationEntryService entries, SecretVault vault, CancellationToken ct)
    {
        if (await AdminText.RefusalAsync(vault, ct, ("by", by), ("reason", reason)) is { } textProblem)
        {
            return textProblem;
        }

        var deleted = await entries.DeleteAsync(id, by ?? "admin", reason, ct);
        return deleted is null
            ? ProblemChecks.Problem(AdminChecks.EntryUnknown, "unknown entry", $"no registration entry '{id}'; 'mandate entries list' shows them", StatusCodes.Status404NotFound)
            : Results.Json(Json(deleted));
    }

    private static TimeSpan? ParseTtl(string? text, string name, List<string> problems)
    {
        if (text is null)
        {
            return null;
        }

        if (Duration.TryParse(text, out var value))
        {
            return value;
        }

        problems.Add($"{name} '{text}' is not a duration; {Duration.Rule}");
        return null;
    }

    private static IResult Invalid(IReadOnlyList<string> problems) =>
        ProblemChecks.Problem(AdminChecks.EntryInvalid, "invalid registration entry", string.Join("; ", problems), StatusCodes.Status400BadRequest);
}
