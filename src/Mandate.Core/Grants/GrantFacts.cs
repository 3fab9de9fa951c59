using Mandate.Core.Attestation;
using Mandate.Core.Resolution;

namespace Mandate.Core.Grants;

/// <summary>
/// What an exchange grant established before deciding, fixed for the rest of the request: one clock reading,
/// the decision id, the attested caller and subject, the sender binding and where the request acts.
/// </summary>
public sealed record GrantFacts(DateTimeOffset Now, string DecisionId, AttestedActor Actor, AttestedSubject Subject, SenderBinding Binding, Placement Placement)
{
    /// <summary>The user the request is for, or null for the agent's background work.</summary>
    public string? User => Subject.User?.Subject;
}
