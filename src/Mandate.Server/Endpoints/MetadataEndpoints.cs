using Mandate.Core.Configuration;
using Mandate.Core.Keys;
using Mandate.Core.Protocol;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Mandate.Server.Endpoints;

/// <summary>GET /.well-known/oauth-authorization-server (RFC 8414) and the JWKS that verifies Mandate's tokens.</summary>
public static class MetadataEndpoints
{
    public const string MetadataPath = "/.well-known/oauth-authorization-server";
    public const string JwksPath = "/.well-known/jwks.json";

    // The CIBA poll collects a credential a person approved (token-format.md); its auth_req_id comes from a token
    // exchange's pending answer, not a backchannel authentication endpoint, so no other CIBA metadata applies.
    private static readonly string[] GrantTypes = [OAuthConstants.GrantTypes.TokenExchange, OAuthConstants.GrantTypes.Ciba];
    private static readonly string[] NoAuthentication = ["none"];
    private static readonly string[] BearerAuthentication = ["bearer"];
    private static readonly string[] TlsAuthentication = ["none", "tls_client_auth"];
    private static readonly string[] BearerOrTlsAuthentication = ["bearer", "tls_client_auth"];
    private static readonly string[] SigningAlgorithms = [TokenSigningAlgorithms.ES256];
    private static readonly string[] SigningAlgorithmsWithRsa = [TokenSigningAlgorithms.ES256, TokenSigningAlgorithms.RS256];

    /// <summary>
    /// Where the metadata is served: the root well-known path, and for an issuer with a path component also the
    /// well-known segment inserted before that path (RFC 8414 §3.1), where clients of such an issuer look for it.
    /// </summary>
    public static IEnumerable<string> MetadataPaths(string issuer)
    {
        yield return MetadataPath;
        var path = new Uri(issuer).AbsolutePath.TrimEnd('/');
        if (path.Length > 0)
        {
            yield return MetadataPath + path;
        }
    }

    public static IResult Metadata(MandateOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var issuer = options.Issuer.TrimEnd('/');
        // A client certificate reaches the broker only over its own TLS listener (sender_constraint.tls).
        var svidAuthentication = options.SenderConstraint.Tls is not null
            && (options.SenderConstraint.X509TrustBundles.Count > 0 || options.Spiffe.Enabled);
        var metadata = new Dictionary<string, object>
        {
            // RFC 8414 §2: issuer must equal the iss of tokens, character for character.
            ["issuer"] = options.Issuer,
            ["token_endpoint"] = issuer + TokenEndpoint.Path,
            ["introspection_endpoint"] = issuer + IntrospectionEndpoint.Path,
            ["revocation_endpoint"] = issuer + RevocationEndpoint.Path,
            ["jwks_uri"] = issuer + JwksPath,
            ["grant_types_supported"] = GrantTypes,
            ["token_endpoint_auth_methods_supported"] = svidAuthentication ? TlsAuthentication : NoAuthentication,
            // Introspection and revocation take the caller's X.509-SVID wherever the token endpoint does (WorkloadAuthentication).
            ["introspection_endpoint_auth_methods_supported"] = svidAuthentication ? BearerOrTlsAuthentication : BearerAuthentication,
            ["revocation_endpoint_auth_methods_supported"] = svidAuthentication ? BearerOrTlsAuthentication : BearerAuthentication,
            // RFC 8414 §2 makes this member REQUIRED, which outranks §3.2's omission of empty lists: strict clients
            // (authlib's metadata validation among them) refuse a document without it. No authorization endpoint: [].
            ["response_types_supported"] = Array.Empty<string>(),
            // No token_endpoint_auth_signing_alg_values_supported: RFC 8414 ties it to private_key_jwt and
            // client_secret_jwt, and the token endpoint refuses client assertions.
            ["access_token_signing_alg_values_supported"] = RsaTokenKeyRing.IsWanted(options) ? SigningAlgorithmsWithRsa : SigningAlgorithms,
            ["mandate_trust_domain"] = options.TrustDomain,
            // RFC 9449 §5.1 and RFC 8705 §3.3.
            ["dpop_signing_alg_values_supported"] = options.SenderConstraint.Dpop.AllowedAlgorithms,
            ["tls_client_certificate_bound_access_tokens"] = svidAuthentication,
        };
        // RFC 8414 §3.2: "Claims with zero elements MUST be omitted"; the one list configuration can leave empty.
        var scopes = options.Tools.SelectMany(t => t.Scopes).Distinct().Order(StringComparer.Ordinal).ToArray();
        if (scopes.Length > 0)
        {
            metadata["scopes_supported"] = scopes;
        }

        if (options.Spiffe.Enabled)
        {
            metadata["spiffe_bundle_endpoint"] = issuer + SpiffeBundleEndpoint.Path;
        }

        if (options.AuditCheckpoints.File is not null)
        {
            // RFC 8414 §2 allows additional parameters: where a verifier of signed audit checkpoints finds their keys.
            metadata["mandate_audit_jwks_uri"] = issuer + AuditJwksEndpoint.Path;
        }

        return Results.Json(metadata);
    }

    public static IResult Jwks(HttpContext http, SigningKeyRing keys)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(keys);
        // RFC 8725 §3.12: different keys for different kinds of JWTs; the checkpoint keys are at AuditJwksEndpoint.Path, never here.
        // RFC 9068 §2.1: the RS256 access-token keys, when a tool asks for them, are published beside the ES256 ones.
        return KeySet(http, http.RequestServices.GetService<RsaTokenKeyRing>() is { } rsaKeys
            ? Core.Keys.KeySet.MergeJwks(keys.Current, rsaKeys.Current)
            : keys.Current.JwksJson);
    }

    /// <summary>
    /// A key set from a ring that publishes keys ahead: a short cache, since verifiers hold a new key well before it signs
    /// (keys.publish_ahead) and long before the old one leaves the set.
    /// </summary>
    internal static IResult KeySet(HttpContext http, string jwksJson)
    {
        http.Response.Headers.CacheControl = "public, max-age=60";
        return Results.Content(jwksJson, "application/jwk-set+json");
    }
}
