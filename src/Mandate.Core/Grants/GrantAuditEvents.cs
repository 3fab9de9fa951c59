using Mandate.Core.Audit;
using Mandate.Core.Decisions;
using Mandate.Core.Resolution;
using Mandate.Core.Runs;
using Mandate.Policy;

namespace Mandate.Core.Grants;

/// <summary>The audit events of an exchange grant, built from its facts: the evidence used, never a token.</summary>
public static class GrantAuditEvents
{
    /// <summary>A policy decision (a refusal, or each decision of a run token request).</summary>
    public static AuditEvent Decision(GrantFacts f, ToolDecision td, string node)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(td);
        var d = td.Decision;
        var evidence = Evidence(f);
        evidence["requested_scope"] = string.Join(' ', td.Scopes);
        Add(evidence, "remedy", d.Remedy);
        AddDelegators(evidence, td);
        return new AuditEvent
        {
            Kind = AuditKinds.Decision,
            Time = f.Now,
            Outcome = d.IsAllowed ? "allow" : "deny",
            Agent = f.Actor.SpiffeId,
            Tenant = f.Placement.Tenant,
            User = f.User,
            Run = f.Placement.Run,
            Tool = td.Tool,
            Scope = d.IsAllowed ? string.Join(' ', d.GrantedScopes) : null,
            DecisionId = f.DecisionId,
            PolicyVersion = d.PolicyVersion,
            Rule = d.RuleId,
            Reason = d.Reason,
            Node = node,
            Evidence = evidence,
        };
    }

    /// <summary>A run started, renewed or delegated, with the run token's id and expiry.</summary>
    public static AuditEvent Run(GrantFacts f, RunRequestMode mode, string policyVersion, RunRecord run, string jti, DateTimeOffset expires, string kid, string node)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(run);
        var evidence = Evidence(f);
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
            Time = f.Now,
            Outcome = mode switch { RunRequestMode.Start => "started", RunRequestMode.Renew => "renewed", _ => "delegated" },
            Agent = run.Agent,
            Tenant = run.Tenant,
            User = run.User,
            Run = run.Id,
            Scope = run.Envelope.Scope,
            Jti = jti,
            DecisionId = f.DecisionId,
            PolicyVersion = policyVersion,
            Node = node,
            Evidence = evidence,
        };
    }

    /// <summary>The evidence every record of an exchange carries: how the caller and the subject were attested and bound.</summary>
    /// <remarks>A plain dictionary: records put their evidence in ordinal order once, when they are encoded.</remarks>
    public static Dictionary<string, string> Evidence(GrantFacts f)
    {
        ArgumentNullException.ThrowIfNull(f);
        var actor = f.Actor.Identity.Evidence;
        var evidence = new Dictionary<string, string>(32, StringComparer.Ordinal)
        {
            ["actor_issuer"] = actor.Issuer,
            ["actor_alg"] = actor.Algorithm,
            ["actor_exp"] = actor.ExpiresAt.ToUnixTimeSeconds().ToString(),
            ["subject_kind"] = f.Subject.Run is not null ? "run" : f.Subject.Kind == SubjectKind.User ? "user" : "agent",
            ["delegation_depth"] = f.Placement.DelegationDepth.ToString(),
        };
        Add(evidence, "actor_kid", actor.KeyId);
        SenderBindingEvidence.Add(evidence, f.Binding);
        Add(evidence, "actor_jti", actor.TokenId);
        evidence["actor_issuer_name"] = actor.IssuerName;
        Add(evidence, "actor_profile", actor.Profile);
        if (f.Subject.Run is { } run)
        {
            evidence["subject_run"] = run.Run.Id;
            evidence["subject_run_token_jti"] = run.Jti;
        }
        else if (f.Subject.User is { } user)
        {
            evidence["user_issuer"] = user.Issuer;
            evidence["user_tenant"] = user.Tenant;
            evidence["user_exp"] = user.Evidence.ExpiresAt.ToUnixTimeSeconds().ToString();
            // What a tenant or user revocation judges the credential by (PrincipalStanding.CoveringCredentialAsync).
            Add(evidence, "user_iat", user.IssuedAt?.ToUnixTimeSeconds().ToString());
            Add(evidence, "user_kid", user.Evidence.KeyId);
        }

        return evidence;
    }

    /// <summary>Inside a child run: the rule that decided for each delegating agent, and whose rule asked for a human.</summary>
    public static void AddDelegators(Dictionary<string, string> evidence, ToolDecision td)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        ArgumentNullException.ThrowIfNull(td);
        if (td.Delegators.Count > 0)
        {
            evidence["delegator_rules"] = string.Join("; ", td.Delegators);
        }

        Add(evidence, "approval_required_by", td.ApprovalRequiredBy);
    }

    private static void Add(Dictionary<string, string> evidence, string key, string? value)
    {
        if (value is not null)
        {
            evidence[key] = value;
        }
    }
}
