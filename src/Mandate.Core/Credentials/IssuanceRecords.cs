using Mandate.Core.Configuration;
using Mandate.Core.Exchange;
using Mandate.Core.Minting;
using Mandate.Core.Storage;

namespace Mandate.Core.Credentials;

/// <summary>
/// The durable batch of an allowed exchange for issuers of other kinds: the same issuance record the JWT
/// path writes (decision, evidence, jti, expiry) with the kind's own evidence, plus the rate counters.
/// </summary>
public static class IssuanceRecords
{
    /// <summary>The batch; <paramref name="evidence"/> overrides or adds evidence entries (never a secret).</summary>
    public static StoreBatch Batch(ExchangeContext context, CredentialClaims claims, MandateOptions options, string kind, string? kid, IReadOnlyDictionary<string, string> evidence)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(evidence);
        var issuance = ExchangeAuditEvents.Issuance(context, context.Decisions[0], claims, kid ?? "", options.Issuer, options.Node);
        var merged = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in issuance.Evidence)
        {
            merged[key] = value;
        }

        merged["credential_kind"] = kind;
        if (kid is null)
        {
            merged.Remove("kid");
        }

        foreach (var (key, value) in evidence)
        {
            merged[key] = value;
        }

        return new StoreBatch([issuance with { Evidence = merged }, .. context.RateIncrements()]);
    }
}
