using Mandate.Core.Audit;
using Mandate.Core.Secrets;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Mandate.Server.Console;

/// <summary>
/// The first step of every change: a page that says exactly what will change and posts it (with the form token
/// and an optional reason) only when the user presses <c>#confirm</c>.
/// </summary>
internal static class ConsoleConfirm
{
    public static IResult Page(HttpContext http, string title, Markup whatChanges, string action, IReadOnlyDictionary<string, string> fields, string button, string cancel)
    {
        var hidden = Markup.Join(fields.Select(f => Markup.Of($"<input type=\"hidden\" name=\"{f.Key}\" value=\"{f.Value}\">")));
        return ConsolePages.Page(http, title, Markup.Of($"""
            <div class="confirm">
            {whatChanges}
            <form method="post" action="{action}">
            {ConsoleForms.Token(http)}{hidden}
            <label>Reason (recorded in the audit trail)<input type="text" name="reason" id="reason" maxlength="500"></label>
            <p><button type="submit" id="confirm" class="danger">{button}</button> <a href="{cancel}" class="button" id="cancel">Cancel</a></p>
            </form>
            </div>
            """));
    }

    /// <summary>
    /// The reason posted with a confirmation, trimmed (null when empty); or, when it breaks <see cref="OperatorText"/> (over
    /// 500 characters, a line break or other control, a format character, a whole token) or holds a vaulted secret
    /// (<see cref="SecretVault.TextProblemAsync"/>), the 400 page naming the rule.
    /// </summary>
    public static async Task<(string? Reason, IResult? Refusal)> ReasonAsync(HttpContext http, IFormCollection form)
    {
        var reason = form["reason"].ToString().Trim() is { Length: > 0 } r ? r : null;
        var problem = OperatorText.Problem("reason", reason)
            ?? await http.RequestServices.GetRequiredService<SecretVault>().TextProblemAsync("reason", reason, http.RequestAborted);
        return problem is not null
            ? (null, ConsolePages.Error(http, StatusCodes.Status400BadRequest, "Reason refused", $"{problem}; nothing was changed: go back and edit the reason"))
            : (reason, null);
    }

    /// <summary>A definition list row.</summary>
    public static Markup Row(string label, string? value) => Markup.Of($"<dt>{label}</dt><dd class=\"mono\">{value ?? "—"}</dd>");
}
