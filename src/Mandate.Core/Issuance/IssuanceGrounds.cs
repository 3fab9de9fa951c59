namespace Mandate.Core.Issuance;

/// <summary>
/// What a credential rests on, for its issuance record: the evidence of how the request was attested (or the
/// approval it was collected on), the tool, the user, and the rule and reason that allowed it.
/// </summary>
public sealed record IssuanceGrounds(IReadOnlyDictionary<string, string> Evidence, string Tool, string? User, string? Rule, string? Reason);
