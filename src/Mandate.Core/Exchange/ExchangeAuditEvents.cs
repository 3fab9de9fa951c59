using Mandate.Core.Audit;
using Mandate.Core.Minting;
using Mandate.Core.Policy;

namespace Mandate.Core.Exchange;

/// <summary>Builds the audit events of an exchange from its context: the evidence used, never a token.</summary>
internal static class ExchangeAuditEvents
{
    public static AuditEvent Decision(ExchangeContext c, string node)
    {
        var d = c.Decision!;
        var evidence = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["actor_issuer"] = c.Actor!.Evidence.Issuer,
            ["actor_alg"] = c.Actor.Evidence.Algorithm,
            ["actor_exp"] = c.Actor.Evidence.ExpiresAt.ToUnixTimeSeconds().ToString(),
            ["subject_kind"] = c.Subject == SubjectKind.User ? "user" : "agent",
            ["requested_scope"] = string.Join(' ', c.Scopes),
        };
        Add(evidence, "actor_kid", c.Actor.Evidence.KeyId);
        Add(evidence, "actor_jti", c.Actor.Evidence.TokenId);
        if (c.User is { } user)
        {
            evidence["user_issuer"] = user.Issuer;
            evidence["user_tenant"] = user.Tenant;
            evidence["user_exp"] = user.Evidence.ExpiresAt.ToUnixTimeSeconds().ToString();
            Add(evidence, "user_kid", user.Evidence.KeyId);
        }

        Add(evidence, "remedy", d.Remedy);
        return new AuditEvent
        {
            Kind = AuditKinds.Decision,
            Time = c.Now,
            Outcome = d.IsAllowed ? "allow" : "deny",
            Agent = c.Actor.SpiffeId,
            Tenant = c.Tenant,
            User = c.User?.Subject,
            Run = c.Run,
            Tool = c.Tool!.Name,
            Scope = d.IsAllowed ? string.Join(' ', d.GrantedScopes) : null,
            DecisionId = c.DecisionId,
            PolicyVersion = d.PolicyVersion,
            Rule = d.RuleId,
            Reason = d.Reason,
            Node = node,
            Evidence = evidence,
        };
    }

    public static AuditEvent Issuance(ExchangeContext c, CredentialClaims claims, string kid, string issuer, string node) => new()
    {
        Kind = AuditKinds.Issuance,
        Time = c.Now,
        Outcome = "issued",
        Agent = claims.Agent,
        Tenant = claims.Tenant,
        User = c.User?.Subject,
        Run = claims.Run,
        Tool = c.Tool!.Name,
        Scope = claims.Scope,
        Jti = claims.Jti,
        DecisionId = claims.DecisionId,
        PolicyVersion = claims.PolicyVersion,
        Rule = c.Decision!.RuleId,
        Node = node,
        Evidence = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["aud"] = claims.Audience,
            ["exp"] = claims.ExpiresAt.ToUnixTimeSeconds().ToString(),
            ["iat"] = claims.IssuedAt.ToUnixTimeSeconds().ToString(),
            ["kid"] = kid,
            ["iss"] = issuer,
            ["sub"] = claims.Subject,
            ["credential_kind"] = "jwt",
        },
    };

    private static void Add(SortedDictionary<string, string> evidence, string key, string? value)
    {
        if (value is not null)
        {
            evidence[key] = value;
        }
    }
}
