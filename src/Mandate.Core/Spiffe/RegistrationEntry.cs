using Mandate.Core.Storage;

namespace Mandate.Core.Spiffe;

/// <summary>
/// A registration entry (SPIRE-style): a process whose attested attributes match ALL
/// <see cref="Selectors"/> receives SVIDs for <see cref="SpiffeId"/>.
/// </summary>
public sealed record RegistrationEntry : IStoreChange
{
    /// <summary>Entry id, e.g. <c>ent_…</c>.</summary>
    public required string Id { get; init; }

    /// <summary>The workload SPIFFE ID, in Mandate's trust domain.</summary>
    public required string SpiffeId { get; init; }

    /// <summary>Selectors in canonical text form, e.g. <c>unix:uid:1000</c>; at least one.</summary>
    public required IReadOnlyList<string> Selectors { get; init; }

    /// <summary>X.509-SVID lifetime for this entry; null uses <c>spiffe.x509_svid_ttl</c>.</summary>
    public TimeSpan? X509Ttl { get; init; }

    /// <summary>JWT-SVID lifetime for this entry; null uses <c>spiffe.jwt_svid_ttl</c>.</summary>
    public TimeSpan? JwtTtl { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Who created it (e.g. <c>admin:alice</c>).</summary>
    public string? CreatedBy { get; init; }
}
