using Mandate.Core.Protocol;

namespace Mandate.Core.Revocation;

/// <summary>Why a principal is no longer allowed: a <c>standing.*</c> check, a client-safe description, and the revocation if one caused it.</summary>
public sealed record StandingRefusal(Check Check, string Description, Revocation? Revocation = null)
{
    /// <summary>The check's stable id.</summary>
    public string CheckId => Check.Id;
}
