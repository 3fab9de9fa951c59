using Mandate.Core;
using Mandate.Core.Revocation;
using Mandate.Server.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Mandate.Server.Console;

/// <summary>Revocations in force, and revoking by credential (jti), run, agent, tenant or user through <see cref="RevocationService"/>.</summary>
internal static class RevocationPages
{
    private static readonly string[] Targets = ["token", "run", "agent", "tenant", "user"];

    public static void MapRevocationPages(this RouteGroupBuilder pages)
    {
        pages.MapGetAndHead("/revocations", ListAsync);
        pages.MapGetAndHead("/revocations/confirm", Confirm);
        pages.MapPost("/revocations", RevokeAsync);
    }

    private static async Task<IResult> ListAsync(HttpContext http, IMandateStore store, TimeProvider time)
    {
        var user = ConsoleUser.Current(http);
        var revocations = await store.ListRevocationsAsync(time.GetUtcNow(), http.RequestAborted);
        var rows = revocations.OrderByDescending(r => r.RevokedAt).Select(r => Markup.Of($"""
            <tr data-revocation-id="{r.Id}"><td class="mono">{r.Id}</td><td>{Name(r.Target)}</td><td class="mono">{r.Value}</td><td>{r.RevokedAt:u}</td>
            <td class="mono">{r.RevokedBy}</td><td>{r.Reason ?? ""}</td><td>{(r.LiftedAt is { } l ? $"lifted {l:u}" : "in force")}</td></tr>
            """));
        var form = user.IsAdmin
            ? Markup.Of($"""
                <h2>Revoke</h2>
                <form method="get" action="/revocations/confirm" id="revoke-form" class="search">
                <label for="r-target">What<select id="r-target" name="target">{Targets.Select(t => Markup.Of($"<option value=\"{t}\">{(t == "token" ? "credential (jti)" : t)}</option>"))}</select></label>
                <label for="r-value">Value<input type="text" id="r-value" name="value" required></label>
                <button type="submit" id="revoke">Revoke…</button>
                </form>
                """)
            : Markup.Empty;
        return ConsolePages.Page(http, "Revocations", Markup.Of($"""
            {form}
            <h2>In force</h2>
            <table id="revocations"><thead><tr><th>Id</th><th>Target</th><th>Value</th><th>At</th><th>By</th><th>Reason</th><th>State</th></tr></thead><tbody>{rows}</tbody></table>
            """));
    }

    private static IResult Confirm(HttpContext http, string? target, string? value)
    {
        if (Refusal(http, target, value, out var parsed) is { } refusal)
        {
            return refusal;
        }

        var what = Markup.Of($"""
            <p>Revoke every credential of <strong>{Name(parsed)}</strong> <code>{value}</code> issued until now. Tools that introspect refuse them at once.</p>
            {(parsed == RevocationTarget.Agent ? Markup.Of($"<p>This also disables the agent: it gets nothing new until an admin enables it.</p>") : Markup.Empty)}
            """);
        return ConsoleConfirm.Page(http, "Revoke", what, "/revocations", new Dictionary<string, string> { ["target"] = target!, ["value"] = value!.Trim() }, "Revoke", "/revocations");
    }

    private static async Task<IResult> RevokeAsync(HttpContext http, RevocationService revocations)
    {
        if (await ConsoleForms.ReadAsync(http) is not { } form)
        {
            return ConsoleForms.Rejected(http);
        }

        string? value = form["value"];
        if (Refusal(http, form["target"], value, out var target) is { } refusal)
        {
            return refusal;
        }

        var (reason, refusedReason) = await ConsoleConfirm.ReasonAsync(http, form);
        if (refusedReason is not null)
        {
            return refusedReason;
        }

        var (r, recorded) = await revocations.RevokeAsync(target, value!.Trim(), ConsoleUser.Current(http).Actor, reason, null, http.RequestAborted);
        return ConsolePages.Page(http, "Revoked", Markup.Of($"""
            <p id="result">Revocation <code>{r.Id}</code> of {Name(r.Target)} <code>{r.Value}</code> is in force{(recorded ? "" : " in this broker; it is written to the store as soon as the store answers again")}.</p>
            <p><a href="/revocations">Back to revocations</a></p>
            """));
    }

    private static IResult? Refusal(HttpContext http, string? target, string? value, out RevocationTarget parsed)
    {
        parsed = default;
        if (!ConsoleUser.Current(http).IsAdmin)
        {
            return ConsolePages.Error(http, StatusCodes.Status403Forbidden, "Forbidden", "revoking needs the admin role");
        }

        if (target is null || !Targets.Contains(target, StringComparer.Ordinal) || !Enum.TryParse(target, ignoreCase: true, out parsed) || string.IsNullOrWhiteSpace(value))
        {
            return ConsolePages.Error(http, StatusCodes.Status400BadRequest, "Nothing to revoke", "choose what to revoke (credential, run, agent, tenant or user) and give its value");
        }

        if (RevocationValue.Problem(parsed, value.Trim()) is { } problem)
        {
            return ConsolePages.Error(http, StatusCodes.Status400BadRequest, "Nothing to revoke", problem);
        }

        return null;
    }

    private static string Name(RevocationTarget target) => target == RevocationTarget.Token ? "credential" : target.ToString().ToLowerInvariant();
}
