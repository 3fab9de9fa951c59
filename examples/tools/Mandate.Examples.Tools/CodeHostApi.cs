using System.Collections.Concurrent;
using Mandate.ResourceServer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Mandate.Examples.Tools;

/// <summary>A code host: repositories per tenant; agents read files and open pull requests.</summary>
public static class CodeHostApi
{
    /// <summary>A pull request.</summary>
    public sealed record PullRequest(int Number, string Repo, string Title, string Head, CallerView OpenedBy);

    /// <summary>POST /repos/{name}/pulls body.</summary>
    public sealed record PullRequestDraft(string Title, string Head);

    /// <summary>GET /repos/{name}/files (code:read), POST /repos/{name}/pulls (code:write).</summary>
    public static IEndpointRouteBuilder MapCodeHostApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var files = new Dictionary<(string Tenant, string Repo), string[]>
        {
            [("acme", "shop")] = ["README.md", "src/checkout.cs", "src/refunds.cs"],
            [("globex", "portal")] = ["README.md", "src/login.cs"],
        };
        var pulls = new ConcurrentDictionary<(string Tenant, string Repo), List<PullRequest>>();

        endpoints.MapGet("/repos/{name}/files", (string name, HttpContext http) =>
            files.TryGetValue((http.User.GetMandateTenant()!, name), out var list) ? Results.Ok(list) : Results.NotFound())
            .RequireMandateScope("code:read");

        endpoints.MapPost("/repos/{name}/pulls", (string name, PullRequestDraft draft, HttpContext http) =>
        {
            var key = (http.User.GetMandateTenant()!, name);
            if (!files.ContainsKey(key))
            {
                return Results.NotFound();
            }

            if (string.IsNullOrWhiteSpace(draft.Title) || string.IsNullOrWhiteSpace(draft.Head))
            {
                return Results.Problem("title and head are required", statusCode: 400);
            }

            var list = pulls.GetOrAdd(key, _ => []);
            lock (list)
            {
                var pull = new PullRequest(list.Count + 1, name, draft.Title, draft.Head, CallerView.From(http.User));
                list.Add(pull);
                return Results.Created($"/repos/{name}/pulls/{pull.Number}", pull);
            }
        }).RequireMandateScope("code:write");
        return endpoints;
    }
}
