using Mandate.Core.Storage;
using Mandate.SenderConstraint;
using Mandate.Server.Admin;
using Mandate.Server.Endpoints;
using Mandate.Server.Proxy;
using Mandate.Server.WorkloadApi;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mandate.Server.Http;

/// <summary>
/// The one place a store outage becomes an answer. A <see cref="StoreUnavailableException"/> that escapes any
/// endpoint is answered 503 with check id <c>store.unavailable</c> and <c>Retry-After</c>, in the shape of the
/// endpoint's family: RFC 6749 §5.2 JSON <c>temporarily_unavailable</c> on the OAuth endpoints and evidence, RFC
/// 9457 Problem Details on the admin and workload sockets and the federation documents, the proxy's own refusal on
/// proxied calls. Never a 500.
/// The outage itself is logged once, with its cause, by the store's health log; each refused request only at debug.
/// </summary>
public static partial class StoreOutages
{
    /// <summary>Seconds a client should wait before retrying (RFC 9110 §10.2.3).</summary>
    public const string RetryAfterSeconds = "1";

    /// <summary>
    /// Adds the translation. Register it inside the exception handler (which would otherwise answer 500) and in
    /// the proxy's branch; endpoints then let the exception propagate unless they must act on it themselves.
    /// </summary>
    public static IApplicationBuilder UseStoreOutages(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(StoreOutages));
        return app.Use(async (http, next) =>
        {
            try
            {
                await next(http);
            }
            catch (StoreUnavailableException e) when (!http.Response.HasStarted)
            {
                // The method and path are the caller's text: capped and printable, so a long or crafted URL cannot flood or forge a line.
                var method = OAuthErrorText.Sanitize(http.Request.Method);
                var path = OAuthErrorText.Sanitize(http.Request.Path.Value);
                LogRefused(logger, method, path, e.Cause);
                await WriteAsync(http, e);
            }
        });
    }

    /// <summary>Answers <paramref name="http"/> for the outage <paramref name="outage"/> in its endpoint family's shape.</summary>
    public static Task WriteAsync(HttpContext http, StoreUnavailableException outage)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(outage);
        http.Response.Clear();
        if (ProxyListener.IsProxyConnection(http))
        {
            // ProxyProblem sets no Retry-After of its own; a 503 from the proxy carries one like every other.
            http.Response.Headers.RetryAfter = RetryAfterSeconds;
            return ProxyProblem.WriteAsync(http, ProxyRefusal.StoreUnavailable);
        }

        var path = http.Request.Path;
        if (http.Features.Get<WorkloadConnection>() is not null)
        {
            return ProblemAsync(http, outage.Message + " Nothing was issued.");
        }

        if (path.StartsWithSegments(AdminEndpoints.Prefix, StringComparison.Ordinal))
        {
            return ProblemAsync(http, outage.Message);
        }

        if (path.StartsWithSegments(FederationEndpoints.Prefix, StringComparison.OrdinalIgnoreCase))
        {
            // A public document (the federation JWKS loads its key ring) errs as the public documents do, in Problem Details.
            return ProblemAsync(http, "the federation keys could not be loaded from the store; retry shortly");
        }

        return OAuthResponses.WriteErrorAsync(http, StoreChecks.Unavailable.Refuse(Description(path), outage.Message));
    }

    /// <summary>What the caller of each OAuth endpoint should do now (the words each endpoint has always used).</summary>
    private static string Description(PathString path) => path.Value switch
    {
        IntrospectionEndpoint.Path => "the audit store is unavailable; treat the token as inactive and retry shortly",
        RevocationEndpoint.Path => "the revocation could not be made durable; retry",
        EvidenceEndpoint.Path => "the evidence could not be recorded; retry shortly",
        _ => "the store is unavailable, so nothing was issued; retry shortly",
    };

    private static Task ProblemAsync(HttpContext http, string detail)
    {
        http.Response.Headers.RetryAfter = RetryAfterSeconds;
        return Results.Problem(
            title: "store unavailable",
            detail: detail,
            statusCode: StatusCodes.Status503ServiceUnavailable,
            extensions: new Dictionary<string, object?> { [ProblemChecks.Member] = StoreChecks.Unavailable.Id }).ExecuteAsync(http);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Refused {Method} {Path}: the store is unavailable ({Cause})")]
    private static partial void LogRefused(ILogger logger, string method, string path, StoreFailureCause cause);
}
