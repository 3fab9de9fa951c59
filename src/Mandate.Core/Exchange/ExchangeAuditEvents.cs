using Mandate.Core.Audit;
using Mandate.Core.Minting;
using Mandate.Core.Runs;
using Mandate.Policy;

namespace Mandate.Core.Exchange;

/// <summary>Builds the audit events of an exchange from its context: the evidence used, never a token.</summary>
internal static class ExchangeAuditEvents
{
    public static AuditEvent Decision(ExchangeContext c, ToolDecision td, string node)
    {
        var d = td.Decision;
        var evidence = Evidence(c);
        evidence["requested_scope"] = string.Join(' ', td.Scopes);
        Add(evidence, "remedy", d.Remedy);
        return new AuditEvent
        {
            Kind = AuditKinds.Decision,
            Time = c.Now,
            Outcome = d.IsAllowed ? "allow" : "deny",
            Agent = c.Actor!.SpiffeId,
            Tenant = c.Tenant,
            User = c.User?.Subject,
            Run = c.Run,
            Tool = td.Tool,
            Scope = d.IsAllowed ? string.Join(' ', d.GrantedScopes) : null,
            DecisionId = c.DecisionId,
            PolicyVersion = d.PolicyVersion,
            Rule = d.RuleId,
            Reason = d.Reason,
            Node = node,
            Evidence = evidence,
        };
    }

    /// <summary>
    /// One record for an allowed exchange: the decision (rule, policy, reason, evidence) and the credential
    /// it produced (jti, audience, expiry, signing key). One row per exchange keeps durable audit cheap.
    /// </summary>
    public static AuditEvent Issuance(ExchangeContext c, ToolDecision td, CredentialClaims claims, string kid, string issuer, string node)
    {
        var evidence = Evidence(c);
        evidence["requested_scope"] = string.Join(' ', td.Scopes);
        evidence["aud"] = claims.Audience;
        evidence["exp"] = claims.ExpiresAt.ToUnixTimeSeconds().ToString();
        evidence["iat"] = claims.IssuedAt.ToUnixTimeSeconds().ToString();
        evidence["kid"] = kid;
        evidence["iss"] = issuer;
        evidence["sub"] = claims.Subject;
        evidence["credential_kind"] = "jwt";
        evidence["actors"] = string.Join(" > ", claims.Actors);
        return new AuditEvent
        {
            Kind = AuditKinds.Issuance,
            Time = c.Now,
            Outcome = "issued",
            Agent = claims.Agent,
            Tenant = claims.Tenant,
            User = c.User?.Subject,
            Run = claims.Run,
            Tool = td.Tool,
            Scope = claims.Scope,
            Jti = claims.Jti,
            DecisionId = claims.DecisionId,
            PolicyVersion = claims.PolicyVersion,
            Rule = td.Decision.RuleId,
            Reason = td.Decision.Reason,
            Node = node,
            Evidence = evidence,
        };
    }

    /// <summary>A run started, renewed or delegated, with the run token's id and expiry.</summary>
    public static AuditEvent Run(ExchangeContext c, RunRecord run, string jti, DateTimeOffset expires, string kid, string node)
    {
        var evidence = Evidence(c);
        evidence["run_token_jti"] = jti;
        evidence["exp"] = expires.ToUnixTimeSeconds().ToString();
        evidence["kid"] = kid;
        evidence["depth"] = run.Depth.ToString();
        evidence["max_depth"] = run.MaxDepth.ToString();
        evidence["actors"] = string.Join(" > ", run.Actors);
        evidence["envelope"] = run.Envelope.ToJson();
        evidence["run_expires"] = run.ExpiresAt.ToUnixTimeSeconds().ToString();
        Add(evidence, "parent_run", run.ParentId);
        return new AuditEvent
        {
            Kind = AuditKinds.Run,
            Time = c.Now,
            Outcome = c.RunMode switch { RunRequestMode.Start => "started", RunRequestMode.Renew => "renewed", _ => "delegated" },
            Agent = run.Agent,
            Tenant = run.Tenant,
            User = run.User,
            Run = run.Id,
            Scope = run.Envelope.Scope,
            Jti = jti,
            DecisionId = c.DecisionId,
            PolicyVersion = c.Decisions.Count > 0 ? c.Decisions[0].Decision.PolicyVersion : run.PolicyVersion,
            Node = node,
            Evidence = evidence,
        };
    }

    private static SortedDictionary<string, string> Evidence(ExchangeContext c)
    {
        var evidence = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["actor_issuer"] = c.Actor!.Evidence.Issuer,
            ["actor_alg"] = c.Actor.Evidence.Algorithm,
            ["actor_exp"] = c.Actor.Evidence.ExpiresAt.ToUnixTimeSeconds().ToString(),
            ["subject_kind"] = c.SubjectRun is not null ? "run" : c.Subject == SubjectKind.User ? "user" : "agent",
            ["delegation_depth"] = c.DelegationDepth.ToString(),
        };
        Add(evidence, "actor_kid", c.Actor.Evidence.KeyId);
        SenderBindingEvidence.Add(evidence, c.Request.Binding);
        Add(evidence, "actor_jti", c.Actor.Evidence.TokenId);
        evidence["actor_issuer_name"] = c.Actor.Evidence.IssuerName;
        Add(evidence, "actor_profile", c.Actor.Evidence.Profile);
        if (c.SubjectRun is { } run)
        {
            evidence["subject_run"] = run.Run.Id;
            evidence["subject_run_token_jti"] = run.Jti;
        }
        else if (c.User is { } user)
        {
            evidence["user_issuer"] = user.Issuer;
            evidence["user_tenant"] = user.Tenant;
            evidence["user_exp"] = user.Evidence.ExpiresAt.ToUnixTimeSeconds().ToString();
            Add(evidence, "user_kid", user.Evidence.KeyId);
        }

        return evidence;
    }

    private static void Add(SortedDictionary<string, string> evidence, string key, string? value)
    {
        if (value is not null)
        {
            evidence[key] = value;
        }
    }
}
