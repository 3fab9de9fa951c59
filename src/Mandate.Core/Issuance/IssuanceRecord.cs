using Mandate.Core.Audit;
using Mandate.Core.Configuration;
using Mandate.Core.Credentials;
using Mandate.Core.Minting;

namespace Mandate.Core.Issuance;

/// <summary>
/// THE issuance audit record of a tool credential, whatever its kind and however it was granted (at once, or on
/// approval): what it rests on, the credential's metadata (jti, audience, expiry, signing key) and the kind's own
/// evidence. One row per credential keeps durable audit cheap.
/// </summary>
public static class IssuanceRecord
{
    /// <summary>The record; <paramref name="minted"/>'s evidence overrides or adds entries (never a secret).</summary>
    public static AuditEvent Build(IssuanceGrounds grounds, CredentialClaims claims, CredentialKind kind, MintedCredential minted, MandateOptions options)
    {
        ArgumentNullException.ThrowIfNull(grounds);
        ArgumentNullException.ThrowIfNull(claims);
        ArgumentNullException.ThrowIfNull(minted);
        ArgumentNullException.ThrowIfNull(options);
        // Unordered: the record's encoding puts the evidence in ordinal order once.
        var evidence = new Dictionary<string, string>(grounds.Evidence.Count + minted.Evidence.Count + 8, StringComparer.Ordinal);
        foreach (var (key, value) in grounds.Evidence)
        {
            evidence[key] = value;
        }

        evidence["aud"] = claims.Audience;
        evidence["exp"] = claims.ExpiresAt.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        evidence["iat"] = claims.IssuedAt.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        evidence["iss"] = options.Issuer;
        evidence["sub"] = claims.Subject;
        evidence["credential_kind"] = Name(kind);
        evidence["actors"] = string.Join(" > ", claims.Actors);
        if (minted.Kid is { } kid)
        {
            evidence["kid"] = kid;
        }

        foreach (var (key, value) in minted.Evidence)
        {
            evidence[key] = value;
        }

        return new AuditEvent
        {
            Kind = AuditKinds.Issuance,
            Time = claims.IssuedAt,
            Outcome = "issued",
            Agent = claims.Agent,
            Tenant = claims.Tenant,
            User = grounds.User,
            Run = claims.Run,
            Tool = grounds.Tool,
            Scope = claims.Scope,
            Jti = claims.Jti,
            DecisionId = claims.DecisionId,
            PolicyVersion = claims.PolicyVersion,
            Rule = grounds.Rule,
            Reason = grounds.Reason,
            Node = options.Node,
            Evidence = evidence,
        };
    }

    /// <summary>What the kind hands out, for a refusal's description (a certificate, or a credential).</summary>
    public static string Noun(CredentialKind kind) => kind == CredentialKind.X509 ? "certificate" : "credential";

    /// <summary>The kind's name in the record: a <c>secret</c> tool's credential is the Mandate JWT the proxy takes.</summary>
    public static string Name(CredentialKind kind) => kind switch
    {
        CredentialKind.Postgres => "postgres",
        CredentialKind.X509 => "x509",
        CredentialKind.OidcFederation => "oidc-federation",
        _ => "jwt",
    };
}
