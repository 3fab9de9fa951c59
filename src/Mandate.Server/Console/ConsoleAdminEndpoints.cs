using Mandate.Core.Configuration;
using Mandate.Server.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Mandate.Server.Console;

/// <summary><c>POST /admin/console/login</c> on the admin socket: a one-time admin login URL, behind <c>mandate console login</c>.</summary>
public static class ConsoleAdminEndpoints
{
    public static void MapConsoleLogin(this RouteGroupBuilder admin)
    {
        ArgumentNullException.ThrowIfNull(admin);
        admin.MapPost("/console/login", (MandateOptions options, ConsoleLoginCodes codes) =>
        {
            if (!options.Console.Enabled)
            {
                return ProblemChecks.Problem(ConsoleChecks.Disabled, "console disabled", "the web console is off; set console.listen in mandate.yaml (docs/console.md)", StatusCodes.Status409Conflict);
            }

            if (codes.Refused)
            {
                return ProblemChecks.Problem(
                    ConsoleChecks.OneTimeLoginRefused,
                    "one-time login refused",
                    $"environment is '{options.Environment}': sign in to the console with the identity provider (console.oidc)",
                    StatusCodes.Status403Forbidden);
            }

            var (url, expiresAt) = codes.Issue();
            return Results.Json(new { url = url.ToString(), expires_at = expiresAt }, statusCode: StatusCodes.Status201Created);
        });
    }
}
