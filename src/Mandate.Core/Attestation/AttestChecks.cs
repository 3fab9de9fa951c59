using Mandate.Core.Protocol;
using Mandate.Core.Revocation;
using E = Mandate.Core.Protocol.OAuthConstants.Errors;

namespace Mandate.Core.Attestation;

/// <summary>
/// Stable ids of the checks of the Attest stage: who the caller is (<c>attest.*</c>) and whether what it was
/// granted earlier still stands (<c>standing.*</c>). Audit records and logs carry them.
/// </summary>
public static class AttestChecks
{
    /// <summary>The actor_token (or client certificate) did not prove a workload identity.</summary>
    public static readonly Check ActorToken = new("attest.actor_token", E.InvalidRequest);

    /// <summary>RFC 6749 §3.2.1: the request's client_id names another client than the workload that authenticated.</summary>
    public static readonly Check ClientId = new("attest.client_id", E.InvalidClient);

    /// <summary>
    /// The client certificate is a tool credential (kind <c>x509</c>, with Mandate's tool credential extension): it
    /// authorises one action at one tool and is never a workload identity (docs/spiffe-ca.md).
    /// </summary>
    public static readonly Check ToolCredentialNotIdentity = new("attest.tool_credential_not_identity", E.InvalidClient);

    /// <summary>The workload belongs to another trust domain.</summary>
    public static readonly Check TrustDomain = new("attest.trust_domain", E.InvalidRequest);

    /// <summary>The workload is not a registered agent.</summary>
    /// <remarks>RFC 8693 §2.2.2: an actor_token unacceptable based on policy MUST get invalid_request (so for the next check).</remarks>
    public static readonly Check AgentUnregistered = new("attest.agent_unregistered", E.InvalidRequest);

    /// <summary>The agent is disabled (kill switch: <c>mandate revoke --agent</c>).</summary>
    public static readonly Check AgentDisabled = new("attest.agent_disabled", E.InvalidRequest);

    /// <summary>The subject_token is not a valid user token, workload identity or run token.</summary>
    public static readonly Check SubjectToken = new("attest.subject_token", E.InvalidRequest);

    /// <summary>A workload subject_token names another workload than the actor.</summary>
    public static readonly Check SubjectNotActor = new("attest.subject_not_actor", E.InvalidRequest);

    /// <summary>RFC 8693 §4.4: the user's may_act names another party.</summary>
    public static readonly Check MayAct = new("attest.may_act", E.InvalidRequest);

    /// <summary>A sender-constrained run token presented without proof of its key or certificate.</summary>
    public static readonly Check RunTokenHolder = new("attest.run_token_holder", E.InvalidRequest);

    /// <summary>A broker-signed run token whose max_depth or tools differ from its stored run: not minted for that record.</summary>
    public static readonly Check RunTokenDiffers = new("attest.run_token_differs", E.InvalidRequest);

    public static readonly Check RunEnded = new("standing.run_ended", E.InvalidRequest);
    public static readonly Check RunExpired = new("standing.run_expired", E.InvalidRequest);

    /// <summary>An agent of the run's delegation chain is disabled (kill switch cascading down the tree).</summary>
    public static readonly Check ChainAgentDisabled = new("standing.chain_agent_disabled", E.InvalidRequest);

    public static readonly Check TokenRevoked = new("standing.token_revoked", E.InvalidRequest);
    public static readonly Check RunRevoked = new("standing.run_revoked", E.InvalidRequest);
    public static readonly Check AgentRevoked = new("standing.agent_revoked", E.InvalidRequest);
    public static readonly Check TenantRevoked = new("standing.tenant_revoked", E.InvalidRequest);
    public static readonly Check UserRevoked = new("standing.user_revoked", E.InvalidRequest);

    /// <summary>The check of a revocation covering a principal.</summary>
    public static Check For(RevocationTarget target) => target switch
    {
        RevocationTarget.Token => TokenRevoked,
        RevocationTarget.Run => RunRevoked,
        RevocationTarget.Agent => AgentRevoked,
        RevocationTarget.Tenant => TenantRevoked,
        _ => UserRevoked,
    };
}
