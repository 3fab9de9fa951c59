using Mandate.Core.Protocol;

namespace Mandate.Core.Storage;

/// <summary>
/// The one check of a store outage. The host answers it (503 <c>temporarily_unavailable</c>, <c>Retry-After</c>)
/// when a <see cref="StoreUnavailableException"/> escapes an endpoint; a stage uses it only where it must act on
/// the outage itself (compensate, or stand by a refusal whose record failed).
/// </summary>
public static class StoreChecks
{
    /// <summary>The store could not read or make a write durable: nothing was issued, retry shortly.</summary>
    public static readonly Check Unavailable = new("store.unavailable", OAuthConstants.Errors.TemporarilyUnavailable);
}
