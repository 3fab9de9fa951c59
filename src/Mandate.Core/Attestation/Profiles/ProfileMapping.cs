namespace Mandate.Core.Attestation.Profiles;

/// <summary>A profile's answer: the workload's SPIFFE ID, or why the token names no acceptable workload.</summary>
internal sealed record ProfileMapping(string? SpiffeId, string? Failure, Protocol.Check? Check = null)
{
    public static ProfileMapping To(string spiffeId) => new(spiffeId, null);

    /// <summary>A refusal; <paramref name="check"/> when it is more specific than the token check (e.g. another trust domain).</summary>
    public static ProfileMapping Refuse(string failure, Protocol.Check? check = null) => new(null, failure, check);
}
