using Mandate.Core.Storage;
using Mandate.Server.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace Mandate.Server.Console;

/// <summary>
/// What a person sees when a page cannot be answered: a body the client broke is its 4xx page, a store outage a 503 page
/// with <c>Retry-After</c>, any other fault a 500 page; never a bare status. The detail of a fault goes to the log only.
/// </summary>
internal static class ConsoleFaults
{
    public static IApplicationBuilder UseConsoleFaults(this IApplicationBuilder app) =>
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandler = WriteAsync,

            // The store's health log reports an outage once, with its cause; neither it nor a broken body is a fault of the console.
            SuppressDiagnosticsCallback = context => context.Exception is StoreUnavailableException || ClientRequestBody.ClientStatus(context.Exception) is not null,
        });

    private static Task WriteAsync(HttpContext http)
    {
        var error = http.Features.Get<IExceptionHandlerFeature>()?.Error;
        if (ClientRequestBody.ClientStatus(error) is { } status)
        {
            http.Response.StatusCode = status;
            return ConsolePages.ErrorAsync(http, "request refused", "the request's body could not be read as sent; go back, reload the page and try again");
        }

        if (error is StoreUnavailableException)
        {
            http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            http.Response.Headers.RetryAfter = StoreOutages.RetryAfterSeconds;
            return ConsolePages.ErrorAsync(http, "store unavailable",
                "the broker's store cannot be reached, so nothing was read or changed; reload the page in a moment");
        }

        http.Response.StatusCode = StatusCodes.Status500InternalServerError;
        return ConsolePages.ErrorAsync(http, "internal error", "the console could not answer this request; the broker's log has the detail");
    }
}
