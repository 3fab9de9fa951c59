using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http;

namespace Mandate.ResourceServer;

/// <summary>
/// RFC 6750 §2.2, the form-encoded body method: whether a request carries <c>access_token</c> in its body. The handler
/// never accepts a credential there; it reads the body only to refuse a request that uses it beside the header (§2:
/// "Clients MUST NOT use more than one method"). The body stays readable for the endpoint, raw or as its form.
/// </summary>
internal static class FormBodyCredential
{
    /// <summary>The RFC 6750 §2.2 (and §2.3) parameter name.</summary>
    public const string Parameter = "access_token";

    private const string UrlEncodedForm = "application/x-www-form-urlencoded";

    /// <summary>
    /// True when the body is the §2.2 method and holds <see cref="Parameter"/>. Kestrel's request body size limit and
    /// the app's <c>FormOptions</c> bound what is read; a body beyond them is refused as <c>invalid_request</c>.
    /// </summary>
    public static async Task<bool> IsPresentAsync(HttpRequest request)
    {
        // §2.2: only a single-part application/x-www-form-urlencoded body, and never on GET (nor HEAD: no body semantics).
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || !IsUrlEncodedForm(request.ContentType))
        {
            return false;
        }

        // Buffered so an endpoint that reads Request.Body itself still gets every byte; ReadFormAsync caches the form.
        request.EnableBuffering();
        try
        {
            var form = await request.ReadFormAsync(request.HttpContext.RequestAborted);
            return form.ContainsKey(Parameter);
        }
        catch (InvalidDataException)
        {
            throw MandateTokenFailure.Request("the form body exceeds this service's form limits (FormOptions: field count, key or value length); send a smaller form");
        }
        catch (BadHttpRequestException e)
        {
            // 413 when over the request body size limit; 400 for a body cut short or badly framed.
            throw new MandateTokenFailure(MandateTokenFailure.InvalidRequest,
                "the form body could not be read within this service's limits (request body size, framing); send a smaller, complete body",
                e.StatusCode == StatusCodes.Status413PayloadTooLarge ? e.StatusCode : StatusCodes.Status400BadRequest);
        }
        finally
        {
            if (request.Body.CanSeek)
            {
                request.Body.Position = 0;
            }
        }
    }

    private static bool IsUrlEncodedForm(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var parsed)
        && string.Equals(parsed.MediaType, UrlEncodedForm, StringComparison.OrdinalIgnoreCase);
}
