using System.Globalization;
using Mandate.Server.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Mandate.Server.Admin;

/// <summary>
/// The query strings of the admin API's endpoints, read strictly: a parameter the endpoint does not know, one
/// given twice, or a <c>limit</c> that is not a whole number from 1 to the endpoint's maximum is refused with a Problem
/// naming it (<see cref="Invalid"/>, which an endpoint also answers its own parameters' bad values with). A misspelt
/// filter must never widen an audit query to every record.
/// </summary>
internal static class AdminQuery
{
    public const string Limit = "limit";

    /// <summary>Refuses any query <paramref name="endpoint"/> does not read as <paramref name="known"/> says.</summary>
    public static RouteHandlerBuilder Strict(this RouteHandlerBuilder endpoint, int maxLimit, params string[] known) =>
        endpoint.AddEndpointFilter(async (context, next) =>
            Problem(context.HttpContext.Request.Query, maxLimit, known) is { } detail ? Invalid(detail) : await next(context));

    /// <summary>Refuses any query at all: for an endpoint that reads none, a parameter is a caller's mistake (a filter it
    /// thinks narrows a listing, a reason it thinks is recorded) and must not be ignored.</summary>
    public static RouteHandlerBuilder NoQuery(this RouteHandlerBuilder endpoint) => endpoint.Strict(1);

    /// <summary>400 <c>admin.query_invalid</c> with <paramref name="detail"/>.</summary>
    public static IResult Invalid(string detail) =>
        ProblemChecks.Problem(AdminChecks.QueryInvalid, "invalid query", detail, StatusCodes.Status400BadRequest);

    /// <summary>The limit a <see cref="Strict"/> endpoint was given, or <paramref name="fallback"/>.</summary>
    public static int LimitOr(string? limit, int fallback) =>
        limit is null ? fallback : int.Parse(limit, NumberStyles.None, CultureInfo.InvariantCulture);

    private static string? Problem(IQueryCollection query, int maxLimit, string[] known)
    {
        foreach (var (name, values) in query)
        {
            if (!known.Contains(name, StringComparer.Ordinal))
            {
                return known.Length == 0
                    ? $"unknown parameter '{Shown(name)}'; this endpoint takes no query parameters"
                    : $"unknown parameter '{Shown(name)}'; this endpoint takes {string.Join(", ", known)}";
            }

            if (values.Count > 1)
            {
                return $"'{name}' is given {values.Count} times; give it once";
            }

            if (name == Limit && !(int.TryParse(values.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1 && n <= maxLimit))
            {
                return $"limit must be a whole number from 1 to {maxLimit}";
            }
        }

        return null;
    }

    /// <summary>A name from the caller's request as a detail may show it: only when short and printable.</summary>
    public static string Shown(string name) =>
        name.Length <= 64 && name.All(c => c is >= ' ' and <= '~') ? name : "(not shown)";
}
