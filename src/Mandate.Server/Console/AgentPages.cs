using System.Text.RegularExpressions;
using Mandate.Core;
using Mandate.Core.Configuration;
using Mandate.Core.Revocation;
using Mandate.Server.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Mandate.Server.Console;

/// <summary>
/// Agents and their kill switch: disabling revokes everything the agent holds and refuses it anything new
/// (<see cref="RevocationService"/>, as <c>mandate revoke --agent</c>); enabling lifts the switch.
/// </summary>
internal static partial class AgentPages
{
    public static void MapAgentPages(this RouteGroupBuilder pages)
    {
        pages.MapGetAndHead("/agents", ListAsync);
        pages.MapGetAndHead("/agents/{verb:regex(^(disable|enable)$)}", Confirm);
        pages.MapPost("/agents/{verb:regex(^(disable|enable)$)}", ChangeAsync);
    }

    /// <summary>The element id suffix for an agent: its SPIFFE ID with every run of other characters turned into '-'.</summary>
    public static string Slug(string agent) => NotIdCharacters().Replace(agent.Replace("spiffe://", "", StringComparison.Ordinal), "-").Trim('-');

    private static async Task<IResult> ListAsync(HttpContext http, MandateOptions options, IMandateStore store, RevocationList revocations, TimeProvider time)
    {
        var user = ConsoleUser.Current(http);
        var disabled = (await store.ListRevocationsAsync(time.GetUtcNow(), http.RequestAborted))
            .Where(r => r.Target == RevocationTarget.Agent && r.LiftedAt is null).Select(r => r.Value);
        var agents = options.Agents.Select(a => a.Id).Concat(disabled).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        var rows = agents.Select(id =>
        {
            var configured = options.Agents.FirstOrDefault(a => a.Id == id);
            var kill = revocations.DisabledBy(id);
            var state = kill is null
                ? Markup.Of($"<span class=\"badge ok\">enabled</span>")
                : Markup.Of($"<span class=\"badge bad\">disabled</span> <span class=\"muted\">since {kill.RevokedAt:u} by {kill.RevokedBy}</span>");
            var verb = kill is null ? "disable" : "enable";
            var button = user.IsAdmin
                ? Markup.Of($"<a class=\"button{(kill is null ? " danger" : "")}\" id=\"{verb}-{Slug(id)}\" href=\"/agents/{verb}?agent={Uri.EscapeDataString(id)}\">{(kill is null ? "Disable" : "Enable")}</a>")
                : Markup.Empty;
            return Markup.Of($"""
                <tr class="agent" data-agent="{id}"><td class="mono">{id}</td><td>{configured?.Owner ?? "—"}</td><td>{string.Join(", ", configured?.Tenants ?? [])}</td>
                <td>{string.Join(", ", configured?.Tools ?? [])}</td><td>{state}</td><td><a href="/runs?agent={Uri.EscapeDataString(id)}">runs</a></td><td>{button}</td></tr>
                """);
        });
        return ConsolePages.Page(http, "Agents", Markup.Of($"""
            <table id="agents"><thead><tr><th>Agent</th><th>Owner</th><th>Tenants</th><th>Tools</th><th>State</th><th></th><th></th></tr></thead><tbody>{rows}</tbody></table>
            """));
    }

    private static IResult Confirm(HttpContext http, string verb, string? agent, MandateOptions options, RevocationList revocations)
    {
        if (Refusal(http, verb, agent, options, revocations) is { } refusal)
        {
            return refusal;
        }

        var what = verb == "disable"
            ? Markup.Of($"<p>Disable <code>{agent}</code>: every credential it holds is revoked now and it gets nothing new until an admin enables it again.</p>")
            : Markup.Of($"<p>Enable <code>{agent}</code>: it may ask for credentials again. What it held before stays revoked.</p>");
        return ConsoleConfirm.Page(http, verb == "disable" ? "Disable agent" : "Enable agent", what, $"/agents/{verb}",
            new Dictionary<string, string> { ["agent"] = agent! }, verb == "disable" ? "Disable" : "Enable", "/agents");
    }

    private static async Task<IResult> ChangeAsync(HttpContext http, string verb, MandateOptions options, RevocationList revocations, RevocationService service)
    {
        if (await ConsoleForms.ReadAsync(http) is not { } form)
        {
            return ConsoleForms.Rejected(http);
        }

        string? agent = form["agent"];
        if (Refusal(http, verb, agent, options, revocations) is { } refusal)
        {
            return refusal;
        }

        var (reason, refusedReason) = await ConsoleConfirm.ReasonAsync(http, form);
        if (refusedReason is not null)
        {
            return refusedReason;
        }

        var actor = ConsoleUser.Current(http).Actor;
        if (verb == "disable")
        {
            await service.RevokeAsync(RevocationTarget.Agent, agent!, actor, reason, null, http.RequestAborted);
        }
        else if (await service.EnableAgentAsync(agent!, actor, reason, http.RequestAborted) is null)
        {
            return ConsolePages.Error(http, StatusCodes.Status409Conflict, "Agent not changed", $"agent '{agent}' is not disabled");
        }

        return ConsolePages.Page(http, "Agent changed", Markup.Of($"<p id=\"result\">Agent <code>{agent}</code> is now {verb}d.</p><p><a href=\"/agents\">Back to agents</a></p>"));
    }

    /// <summary>Why this change cannot be made (403 not an admin, 404 unknown agent, 409 already in that state), or null.</summary>
    private static IResult? Refusal(HttpContext http, string verb, string? agent, MandateOptions options, RevocationList revocations)
    {
        if (!ConsoleUser.Current(http).IsAdmin)
        {
            return ConsolePages.Error(http, StatusCodes.Status403Forbidden, "Forbidden", "the kill switch needs the admin role");
        }

        var disabled = agent is null ? null : revocations.DisabledBy(agent);
        if (agent is null || (disabled is null && !options.Agents.Any(a => a.Id == agent)))
        {
            return ConsolePages.Error(http, StatusCodes.Status404NotFound, "No such agent", $"'{agent}' is not a configured or disabled agent");
        }

        return (verb == "disable") == (disabled is not null)
            ? ConsolePages.Error(http, StatusCodes.Status409Conflict, "Agent not changed", $"agent '{agent}' is already {verb}d")
            : null;
    }

    [GeneratedRegex("[^A-Za-z0-9_-]+")]
    private static partial Regex NotIdCharacters();
}
