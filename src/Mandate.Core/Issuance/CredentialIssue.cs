using Mandate.Core.Approvals;
using Mandate.Core.Configuration;
using Mandate.Core.Minting;
using Mandate.Core.Protocol;
using Mandate.Core.RateLimits;

namespace Mandate.Core.Issuance;

/// <summary>A tool credential to issue: the decided claims, the tool, what it rests on, and what commits with its record.</summary>
public sealed record CredentialIssue(CredentialClaims Claims, ToolOptions Tool, IssuanceGrounds Grounds)
{
    /// <summary>Rate-limit counter increments committed with the record (after an approval, with its consumption).</summary>
    public IReadOnlyList<RateIncrement> RateIncrements { get; init; } = [];

    /// <summary>The approval consumed in the same transaction as the record (single use), or null.</summary>
    public ApprovalTransition? Consume { get; init; }

    /// <summary>The PKCS#10 request the agent sent in <c>mandate_csr</c>, for kinds that certify its own key; null when absent.</summary>
    public string? Csr { get; init; }

    /// <summary>The rule that allowed it, handed back server-side with the response.</summary>
    public string? Rule { get; init; }

    /// <summary>
    /// A check that must still hold once the record is durable (a caller-named run still this principal's, whatever
    /// another node committed meanwhile); its refusal withholds the credential. Null for none.
    /// </summary>
    public Func<CancellationToken, Task<OAuthError?>>? Recheck { get; init; }
}
