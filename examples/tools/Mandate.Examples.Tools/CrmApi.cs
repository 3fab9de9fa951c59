using System.Collections.Concurrent;
using Mandate.ResourceServer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Mandate.Examples.Tools;

/// <summary>A CRM: customer records per tenant, seeded with a few rows.</summary>
public static class CrmApi
{
    /// <summary>A customer record.</summary>
    public sealed record Customer(string Id, string Tenant, string Name, string Email, string Tier, string? LastChangedBy);

    /// <summary>PATCH /customers/{id} body; absent fields stay as they are.</summary>
    public sealed record CustomerChange(string? Email, string? Tier);

    /// <summary>GET /customers/{id} (crm:read), PATCH /customers/{id} (crm:write).</summary>
    public static IEndpointRouteBuilder MapCrmApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var customers = new ConcurrentDictionary<(string Tenant, string Id), Customer>();
        foreach (var c in new[]
        {
            new Customer("c-100", "acme", "Alice Example", "alice@acme.example", "gold", null),
            new Customer("c-101", "acme", "Arun Acme", "arun@acme.example", "standard", null),
            new Customer("c-200", "globex", "Grace Globex", "grace@globex.example", "gold", null),
        })
        {
            customers[(c.Tenant, c.Id)] = c;
        }

        endpoints.MapGet("/customers/{id}", (string id, HttpContext http) =>
            customers.TryGetValue((http.User.GetMandateTenant()!, id), out var customer) ? Results.Ok(customer) : Results.NotFound())
            .RequireMandateScope("crm:read");

        endpoints.MapPatch("/customers/{id}", (string id, CustomerChange change, HttpContext http) =>
        {
            var key = (http.User.GetMandateTenant()!, id);
            if (!customers.TryGetValue(key, out var customer))
            {
                return Results.NotFound();
            }

            var updated = customer with
            {
                Email = change.Email ?? customer.Email,
                Tier = change.Tier ?? customer.Tier,
                LastChangedBy = $"{http.User.GetMandateAgent()} for {http.User.GetMandateSubject()} (credential {http.User.GetMandateCredentialId()})",
            };
            customers[key] = updated;
            return Results.Ok(updated);
        }).RequireMandateScope("crm:write");
        return endpoints;
    }
}
