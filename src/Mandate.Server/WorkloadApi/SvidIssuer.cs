using System.Text.Json;
using Mandate.Core.Audit;
using Mandate.Core.Configuration;
using Mandate.Core.Spiffe;

namespace Mandate.Server.WorkloadApi;

/// <summary>
/// Issues an attested caller's SVIDs for both workload APIs (the JSON one and the SPIFFE Workload API over gRPC),
/// with the entry's lifetime, and writes the issuance record before the SVID is handed back.
/// </summary>
internal sealed class SvidIssuer
{
    private readonly WorkloadAttestation _attestation;
    private readonly SpiffeAuthority _authority;
    private readonly MandateOptions _options;

    public SvidIssuer(WorkloadAttestation attestation, SpiffeAuthority authority, MandateOptions options)
    {
        _attestation = attestation;
        _authority = authority;
        _options = options;
    }

    /// <summary>An X.509-SVID over a key generated for this call; the caller disposes of it.</summary>
    public async Task<X509Svid> IssueX509Async(WorkloadCaller caller, RegistrationEntry entry, CancellationToken cancellationToken)
    {
        var svid = _authority.IssueX509Svid(entry.SpiffeId, entry.X509Ttl ?? _options.Spiffe.X509SvidTtl);
        try
        {
            await _attestation.RecordIssuanceAsync(caller, "x509", null, new Dictionary<string, string>
            {
                ["serial"] = svid.Serial,
                ["expires_at"] = AuditCanonicalJson.FormatTime(svid.ExpiresAt),
                ["ca"] = _authority.CaCertificate.SerialNumber,
            }, cancellationToken);
            return svid;
        }
        catch
        {
            // Not recorded, never handed out: the key is dropped here.
            svid.Dispose();
            throw;
        }
    }

    /// <summary>A JWT-SVID addressed to <paramref name="audiences"/> (checked by <see cref="JwtSvidAudience"/>).</summary>
    public async Task<JwtSvid> IssueJwtAsync(WorkloadCaller caller, RegistrationEntry entry, IReadOnlyList<string> audiences, CancellationToken cancellationToken)
    {
        var svid = _authority.IssueJwtSvid(entry.SpiffeId, audiences, entry.JwtTtl ?? _options.Spiffe.JwtSvidTtl);
        await _attestation.RecordIssuanceAsync(caller, "jwt", svid.Jti, new Dictionary<string, string>
        {
            // One audience as itself (as always recorded); several as a JSON array, so none can be read as two.
            ["audience"] = audiences.Count == 1 ? audiences[0] : JsonSerializer.Serialize(audiences),
            ["kid"] = svid.Kid,
            ["expires_at"] = AuditCanonicalJson.FormatTime(svid.ExpiresAt),
        }, cancellationToken);
        return svid;
    }
}
