using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Mandate.ResourceServer;

/// <summary>Registration and authorization helpers for tool services that accept Mandate credentials.</summary>
public static class MandateTokenExtensions
{
    /// <summary>Accepts Mandate credentials under the scheme <see cref="MandateTokenDefaults.AuthenticationScheme"/>.</summary>
    public static AuthenticationBuilder AddMandateToken(this AuthenticationBuilder builder, Action<MandateTokenOptions> configure) =>
        builder.AddMandateToken(MandateTokenDefaults.AuthenticationScheme, configure);

    /// <summary>Accepts Mandate credentials under <paramref name="scheme"/> (several brokers or audiences: one scheme each).</summary>
    public static AuthenticationBuilder AddMandateToken(this AuthenticationBuilder builder, string scheme, Action<MandateTokenOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<MandateTokenState>();
        // Last registration wins: refusals by Mandate requirements become RFC 6750 403s; all else keeps the default.
        builder.Services.AddSingleton<IAuthorizationMiddlewareResultHandler, MandateAuthorizationResultHandler>();
        // Validate when the host starts (AddScheme registers MandateTokenOptions.Validate), so a misconfiguration stops startup, not requests.
        builder.Services.AddOptions<MandateTokenOptions>(scheme).ValidateOnStart();
        return builder.AddScheme<MandateTokenOptions, MandateTokenHandler>(scheme, configure);
    }

    /// <summary>Requires an authenticated Mandate credential that grants all of <paramref name="scopes"/>, in a tenant this request may touch.</summary>
    public static AuthorizationPolicyBuilder RequireMandateScope(this AuthorizationPolicyBuilder builder, params string[] scopes)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.RequireAuthenticatedUser().AddRequirements(new MandateTenantRequirement(), new MandateScopeRequirement(scopes));
    }

    /// <summary>Requires an authenticated Mandate credential for a tenant this request may touch (see <see cref="MandateTenantRequirement"/>).</summary>
    public static AuthorizationPolicyBuilder RequireMandateTenant(this AuthorizationPolicyBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.RequireAuthenticatedUser().AddRequirements(new MandateTenantRequirement());
    }

    /// <summary>Protects an endpoint: <c>app.MapPost("/refunds", …).RequireMandateScope("refunds:write")</c>.</summary>
    public static TBuilder RequireMandateScope<TBuilder>(this TBuilder builder, params string[] scopes)
        where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(policy => policy.RequireMandateScope(scopes));
}
