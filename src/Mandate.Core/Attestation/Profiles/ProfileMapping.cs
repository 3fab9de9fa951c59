namespace Mandate.Core.Attestation.Profiles;

/// <summary>A profile's answer: the workload's SPIFFE ID, or why the token names no acceptable workload.</summary>
internal sealed record ProfileMapping(string? SpiffeId, string? Failure)
{
    public static ProfileMapping To(string spiffeId) => new(spiffeId, null);

    public static ProfileMapping Refuse(string failure) => new(null, failure);
}
