using System.Collections.Concurrent;
using Mandate.ResourceServer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Mandate.Examples.Tools;

/// <summary>A payments API: refunds live in the tenant of the credential that created them.</summary>
public static class RefundsApi
{
    /// <summary>A refund as the API returns it.</summary>
    public sealed record Refund(string Id, string Tenant, string Order, decimal Amount, string Currency, CallerView RequestedBy);

    /// <summary>POST /refunds body.</summary>
    public sealed record RefundRequest(string Order, decimal Amount, string? Currency);

    /// <summary>POST /refunds (refunds:write), GET /refunds/{id} (refunds:read).</summary>
    public static IEndpointRouteBuilder MapRefundsApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var refunds = new ConcurrentDictionary<(string Tenant, string Id), Refund>();
        var next = 0;
        endpoints.MapPost("/refunds", (RefundRequest body, HttpContext http) =>
        {
            if (string.IsNullOrWhiteSpace(body.Order) || body.Amount <= 0)
            {
                return Results.Problem("order is required and amount must be positive", statusCode: 400);
            }

            var caller = CallerView.From(http.User);
            var refund = new Refund($"rf_{Interlocked.Increment(ref next)}", caller.Tenant, body.Order, body.Amount, body.Currency ?? "EUR", caller);
            refunds[(caller.Tenant, refund.Id)] = refund;
            return Results.Created($"/refunds/{refund.Id}", refund);
        }).RequireMandateScope("refunds:write");

        // Another tenant's refund is indistinguishable from a missing one: no cross-tenant probing (R17).
        endpoints.MapGet("/refunds/{id}", (string id, HttpContext http) =>
            refunds.TryGetValue((http.User.GetMandateTenant()!, id), out var refund) ? Results.Ok(refund) : Results.NotFound())
            .RequireMandateScope("refunds:read");
        return endpoints;
    }
}
