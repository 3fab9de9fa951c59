using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Mandate.Server.Console;

/// <summary>
/// CSRF protection for every console form: ASP.NET Core antiforgery (a SameSite=Strict cookie, <c>__Host-</c> over https, and a
/// hidden field bound to the signed-in user), validated explicitly by each POST handler before it reads anything.
/// </summary>
internal static class ConsoleForms
{
    public const string Cookie = "mandate-csrf";
    public const string Field = "__csrf";

    public static void AddConsoleAntiforgery(this IServiceCollection services, bool https) =>
        services.AddAntiforgery(o =>
        {
            ConsoleAuthentication.HostCookie(o.Cookie, Cookie, SameSiteMode.Strict, https);
            o.FormFieldName = Field;
            o.HeaderName = null;
            o.SuppressXFrameOptionsHeader = true;
        });

    /// <summary>The hidden field a form carries.</summary>
    public static Markup Token(HttpContext http)
    {
        var tokens = http.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(http);
        return Markup.Of($"<input type=\"hidden\" name=\"{Field}\" value=\"{tokens.RequestToken}\">");
    }

    /// <summary>
    /// The posted form when its antiforgery token is valid for this user and no field is repeated; null otherwise
    /// (answer 400, change nothing).
    /// </summary>
    public static async Task<IFormCollection?> ReadAsync(HttpContext http)
    {
        if (!http.Request.HasFormContentType)
        {
            return null;
        }

        try
        {
            await http.RequestServices.GetRequiredService<IAntiforgery>().ValidateRequestAsync(http);
            var form = await http.Request.ReadFormAsync(http.RequestAborted);

            // A field given twice would be read as both values joined with a comma ("dave,eve"), a value nobody chose.
            return form.Any(f => f.Value.Count > 1) ? null : form;
        }
        catch (AntiforgeryValidationException)
        {
            return null;
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    public static IResult Rejected(HttpContext http) =>
        ConsolePages.Error(http, StatusCodes.Status400BadRequest, "Form refused", "the form was missing its security token, it expired or a field was repeated; go back, reload the page and try again");
}
