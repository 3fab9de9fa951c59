using Mandate.Core;
using Mandate.Core.Approvals;
using Mandate.Core.Configuration;
using Mandate.Server.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Mandate.Server.Console;

/// <summary>
/// The approvals inbox: each pending approval with the exact tool call (authorization_details) and its binding hash;
/// approvers decide through a confirmation page, as themselves, through <see cref="ApprovalService"/>. A pending approval
/// that no longer stands (its run ended, a revocation, its policy rule changed) is marked with why, without buttons.
/// </summary>
internal static class ApprovalPages
{
    public static void MapApprovalPages(this RouteGroupBuilder pages)
    {
        pages.MapGetAndHead("/approvals", InboxAsync);
        pages.MapGetAndHead("/approvals/{id}/{verb:regex(^(approve|deny)$)}", ConfirmAsync);
        pages.MapPost("/approvals/{id}/{verb:regex(^(approve|deny)$)}", DecideAsync);
    }

    private static async Task<IResult> InboxAsync(HttpContext http, IMandateStore store, MandateOptions options, TimeProvider time, ApprovalService approvals)
    {
        var user = ConsoleUser.Current(http);
        var now = time.GetUtcNow();
        var pending = (await store.ListApprovalsAsync(ApprovalStatus.Pending, 200, http.RequestAborted)).Where(a => !a.IsExpired(now)).ToList();

        // Approving one that no longer stands would only withdraw it: say so, with the reason, instead of offering it.
        var stale = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var a in pending)
        {
            if (await approvals.NoLongerStandingAsync(a, http.RequestAborted) is { } reason)
            {
                stale[a.Id] = reason;
            }
        }

        var recent = (await store.ListApprovalsAsync(null, 50, http.RequestAborted)).Where(a => a.Status != ApprovalStatus.Pending).ToList();
        var rows = pending.Select(a => Markup.Of($"""
            <tr id="approval-{a.Id}">
            <td class="mono">{a.Id}</td><td>{a.BindingMessage}</td><td class="mono">{a.Agent}</td><td><a href="/runs/{a.Run}" class="mono">{a.Run}</a></td>
            <td>{a.Tool}</td><td>{a.Tenant}</td><td>{a.User ?? "—"}</td><td class="mono">{a.Scope}</td>
            <td><code>{a.AuthorizationDetails}</code></td><td class="mono">{a.BindingHash}</td><td>{a.ExpiresAt:u}</td>
            <td>{(stale.TryGetValue(a.Id, out var reason) ? NoLongerStands(a, reason) : Buttons(user, options.Console.Approvers, a))}</td>
            </tr>
            """));
        var decided = recent.Select(a => Markup.Of($"""
            <tr><td class="mono">{a.Id}</td><td>{a.BindingMessage}</td><td>{a.Status.ToString().ToLowerInvariant()}</td><td>{a.Approver ?? "—"}</td><td>{a.DecidedReason ?? ""}</td><td>{a.DecidedAt?.ToString("u") ?? ""}</td></tr>
            """));
        return ConsolePages.Page(http, "Approvals", Markup.Of($"""
            <h2>Pending</h2>
            <table id="approvals-pending">
            <thead><tr><th>Id</th><th>Tool call</th><th>Agent</th><th>Run</th><th>Tool</th><th>Tenant</th><th>User</th><th>Scope</th><th>Arguments (authorization_details)</th><th>Arguments hash</th><th>Expires</th><th></th></tr></thead>
            <tbody>{rows}</tbody>
            </table>
            {(pending.Count == 0 ? Markup.Of($"<p class=\"muted\" id=\"no-pending\">Nothing is waiting for a decision.</p>") : Markup.Empty)}
            <h2>Recently decided</h2>
            <table id="approvals-decided"><thead><tr><th>Id</th><th>Tool call</th><th>Status</th><th>By</th><th>Reason</th><th>At</th></tr></thead><tbody>{decided}</tbody></table>
            """));
    }

    private static Markup NoLongerStands(Approval a, string reason) =>
        Markup.Of($"""<span class="muted" id="stale-{a.Id}">no longer stands: {reason}</span>""");

    private static Markup Buttons(ConsoleUser user, ConsoleApproverLimits limits, Approval a) =>
        !user.MayDecide(limits, a.Tenant, a.Tool) ? Markup.Empty
        : user.IsAskedFor(a) && !limits.AllowSelf
            ? Markup.Of($"""<span class="muted" id="own-{a.Id}">asked for you: another approver approves</span> <a class="button danger" id="deny-{a.Id}" href="/approvals/{a.Id}/deny">Deny</a>""")
            : Markup.Of($"""<a class="button" id="approve-{a.Id}" href="/approvals/{a.Id}/approve">Approve</a> <a class="button danger" id="deny-{a.Id}" href="/approvals/{a.Id}/deny">Deny</a>""");

    private static async Task<IResult> ConfirmAsync(HttpContext http, string id, string verb, IMandateStore store, MandateOptions options, TimeProvider time)
    {
        var (approval, refusal) = await PendingYouMayDecideAsync(http, id, verb, store, options, time);
        if (refusal is not null)
        {
            return refusal;
        }

        var approve = verb == "approve";
        var a = approval!;
        var what = Markup.Of($"""
            <p>You are about to <strong>{(approve ? "approve" : "deny")}</strong> this exact tool call as <strong>{ConsoleUser.Current(http).Name}</strong>.</p>
            <dl>
            {ConsoleConfirm.Row("Approval", a.Id)}{ConsoleConfirm.Row("Tool call", a.BindingMessage)}{ConsoleConfirm.Row("Agent", a.Agent)}
            {ConsoleConfirm.Row("Run", a.Run)}{ConsoleConfirm.Row("Tool", a.Tool)}{ConsoleConfirm.Row("Tenant", a.Tenant)}{ConsoleConfirm.Row("User", a.User)}
            {ConsoleConfirm.Row("Scope", a.Scope)}{ConsoleConfirm.Row("Arguments (authorization_details)", a.AuthorizationDetails)}
            {ConsoleConfirm.Row("Arguments hash (SHA-256)", a.BindingHash)}{ConsoleConfirm.Row("Rule", a.Rule)}{ConsoleConfirm.Row("Expires", a.ExpiresAt.ToString("u"))}
            </dl>
            """);
        return ConsoleConfirm.Page(http, approve ? "Approve tool call" : "Deny tool call", what, $"/approvals/{a.Id}/{verb}",
            new Dictionary<string, string>(), approve ? "Approve" : "Deny", "/approvals");
    }

    private static async Task<IResult> DecideAsync(HttpContext http, string id, string verb, IMandateStore store, MandateOptions options, TimeProvider time, ApprovalService approvals)
    {
        if (await ConsoleForms.ReadAsync(http) is not { } form)
        {
            return ConsoleForms.Rejected(http);
        }

        var (_, refusal) = await PendingYouMayDecideAsync(http, id, verb, store, options, time);
        if (refusal is not null)
        {
            return refusal;
        }

        var (reason, refusedReason) = await ConsoleConfirm.ReasonAsync(http, form);
        if (refusedReason is not null)
        {
            return refusedReason;
        }

        var user = ConsoleUser.Current(http);
        var decided = await approvals.DecideAsync(id, verb == "approve", user.Actor, reason, http.RequestAborted);
        var (approval, error) = decided;
        if (approval is null || error is not null)
        {
            var title = decided.CheckId is null ? "Approval not changed" : approval?.Status == ApprovalStatus.Withdrawn ? "Approval withdrawn" : "Approval not approved";
            return ConsolePages.Error(http, StatusCodes.Status409Conflict, title, error ?? $"no approval '{id}'");
        }

        return ConsolePages.Page(http, "Decision recorded", Markup.Of($"""
            <p id="result">Approval <code>{approval.Id}</code> is now <strong>{approval.Status.ToString().ToLowerInvariant()}</strong>, decided by {approval.Approver}.</p>
            <p><a href="/approvals">Back to the inbox</a></p>
            """));
    }

    /// <summary>The approval when it is pending and this user may decide it so (<paramref name="verb"/>); otherwise the page that says why not (403, 404, 409).</summary>
    private static async Task<(Approval? Approval, IResult? Refusal)> PendingYouMayDecideAsync(HttpContext http, string id, string verb, IMandateStore store, MandateOptions options, TimeProvider time)
    {
        var user = ConsoleUser.Current(http);
        if (!user.CanApprove)
        {
            return (null, ConsolePages.Error(http, StatusCodes.Status403Forbidden, "Forbidden", "deciding approvals needs the approver or admin role"));
        }

        var approval = await store.GetApprovalAsync(id, http.RequestAborted);
        if (approval is null)
        {
            return (null, ConsolePages.Error(http, StatusCodes.Status404NotFound, "No such approval", $"no approval '{id}'"));
        }

        if (!user.MayDecide(options.Console.Approvers, approval.Tenant, approval.Tool))
        {
            return (null, ConsolePages.Error(http, StatusCodes.Status403Forbidden, "Forbidden", $"you may not decide approvals for tenant '{approval.Tenant}' and tool '{approval.Tool}' (console.approvers)"));
        }

        // Separation of duties: the human check a rule asks for is someone else's. Denying one's own request stays open.
        if (verb == "approve" && user.IsAskedFor(approval) && !options.Console.Approvers.AllowSelf)
        {
            return (null, ConsolePages.Error(http, StatusCodes.Status403Forbidden, "Forbidden",
                $"approval '{id}' was asked on your behalf (user '{approval.User}'), so another approver must approve it; to let people approve their own agents' requests, set console.approvers.allow_self: true"));
        }

        if (approval.Status != ApprovalStatus.Pending || approval.IsExpired(time.GetUtcNow()))
        {
            return (null, ConsolePages.Error(http, StatusCodes.Status409Conflict, "Approval not pending", $"approval '{id}' is {(approval.IsExpired(time.GetUtcNow()) ? "expired" : approval.Status.ToString().ToLowerInvariant())}; only a pending approval can be decided"));
        }

        return (approval, null);
    }
}
