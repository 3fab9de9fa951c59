using Mandate.Core.Protocol;
using Mandate.Server.Http;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Primitives;

namespace Mandate.Server.Console;

/// <summary>
/// CSRF protection for every console form: ASP.NET Core antiforgery (a SameSite=Strict cookie, <c>__Host-</c> over https, and a
/// hidden field bound to the signed-in user), validated explicitly by each POST handler before it reads anything.
/// </summary>
internal static class ConsoleForms
{
    public const string Cookie = "mandate-csrf";
    public const string Field = "__csrf";

    private const string DefaultRefusal = "the form was missing its security token or it expired";

    /// <summary>Where <see cref="ReadAsync"/> leaves why it refused a form, for <see cref="Rejected"/>.</summary>
    private static readonly object RefusalKey = new();

    private static readonly OAuthError Repeated = FormChecks.DuplicateParameter.Refuse("a field was repeated: each field of a console form is sent once");

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
    /// The posted form when it is strict form-encoded UTF-8, no field is repeated and its antiforgery token is valid for
    /// this user; null otherwise (answer <see cref="Rejected"/>, change nothing).
    /// </summary>
    public static async Task<IFormCollection?> ReadAsync(HttpContext http)
    {
        // Read as the OAuth endpoints read theirs: a broken %-escape, bytes that are not UTF-8 or a control character
        // refuse the form, where ASP.NET Core's reader would keep "%ZZ" as text and act on a value nobody typed. A field
        // given twice would be read as both values joined with a comma ("dave,eve").
        var (fields, error, status) = await FormReader.ReadAsync(http.Request, http.RequestAborted, _ => Repeated);
        if (fields is null)
        {
            http.Items[RefusalKey] = (status, error!.Description);
            return null;
        }

        var form = new FormCollection(fields.ToDictionary(f => f.Key, f => new StringValues(f.Value), StringComparer.Ordinal));
        http.Features.Set<IFormFeature>(new FormFeature(form));
        try
        {
            await http.RequestServices.GetRequiredService<IAntiforgery>().ValidateRequestAsync(http);
            return form;
        }
        catch (AntiforgeryValidationException)
        {
            return null;
        }
    }

    /// <summary>The 400 (413, 415) page for a form <see cref="ReadAsync"/> refused, naming why.</summary>
    public static IResult Rejected(HttpContext http)
    {
        var (status, why) = http.Items[RefusalKey] as (int, string)? ?? (StatusCodes.Status400BadRequest, DefaultRefusal);
        return ConsolePages.Error(http, status, "Form refused", $"{why}; go back, reload the page and try again");
    }
}
