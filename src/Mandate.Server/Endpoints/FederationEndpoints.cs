using Mandate.Core.Configuration;
using Mandate.Core.Credentials.Federation;
using Mandate.Server.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Mandate.Server.Endpoints;

/// <summary>
/// The OIDC issuer clouds trust for <c>kind: oidc-federation</c> tools: OpenID Connect Discovery 1.0 §4 at
/// <c>{issuer}/federation/.well-known/openid-configuration</c> and its JWKS at <c>{issuer}/federation/jwks</c>.
/// Both must be reachable by the cloud over https in production.
/// </summary>
public static class FederationEndpoints
{
    /// <summary>The path of the federation issuer below Mandate's issuer.</summary>
    public const string Prefix = "/federation";
    public const string DiscoveryPath = Prefix + "/.well-known/openid-configuration";
    public const string JwksPath = Prefix + "/jwks";

    private static readonly string[] Algorithms = [FederationKeyRing.Algorithm];
    private static readonly string[] SubjectTypes = ["public"];
    private static readonly string[] ResponseTypes = ["id_token"];
    private static readonly string[] Claims = ["iss", "sub", "aud", "exp", "iat", "nbf", "jti", "tenant", "run", "agent", "tool", "scope", "pol", "dec"];

    public static void MapFederation(this IEndpointRouteBuilder app)
    {
        app.MapPublicDocument(DiscoveryPath, Discovery);
        app.MapPublicDocument(JwksPath, JwksAsync);
    }

    public static IResult Discovery(HttpContext http, MandateOptions options)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        var issuer = FederationKeyRing.IssuerOf(options);
        http.Response.Headers.CacheControl = "public, max-age=300";
        return Results.Json(new Dictionary<string, object>
        {
            // OIDC Discovery §4.3: issuer must equal the iss of the tokens exactly.
            ["issuer"] = issuer,
            ["jwks_uri"] = issuer + "/jwks",
            ["id_token_signing_alg_values_supported"] = Algorithms,
            ["subject_types_supported"] = SubjectTypes,
            ["response_types_supported"] = ResponseTypes,
            ["claims_supported"] = Claims,
        });
    }

    public static async Task<IResult> JwksAsync(HttpContext http, FederationKeyRing keys)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(keys);
        var set = await keys.GetAsync(http.RequestAborted);
        // Cached as the token JWKS is: a key is published keys.publish_ahead before it signs, which may be under 5 minutes.
        return MetadataEndpoints.KeySet(http, set.JwksJson);
    }
}
