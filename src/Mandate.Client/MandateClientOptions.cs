namespace Mandate.Client;

/// <summary>Options of a <see cref="MandateClient"/>.</summary>
public sealed class MandateClientOptions
{
    /// <summary>This agent's workload identity, for runs.</summary>
    public IWorkloadIdentitySource? Identity { get; init; }

    /// <summary>The clock for refreshing cached tokens and for DPoP proofs' <c>iat</c>; default the system clock.</summary>
    public TimeProvider? Time { get; init; }

    /// <summary>
    /// Opt-in DPoP (RFC 9449): every token request carries a proof by this key, so issued credentials are
    /// bound to it (<c>token_type: DPoP</c>, <c>cnf.jkt</c>). The caller owns and disposes it.
    /// </summary>
    public DpopKey? DpopKey { get; init; }

    /// <summary>
    /// The token endpoint URL proofs name in <c>htu</c>. Default: <c>token_endpoint</c> from the broker's
    /// metadata (RFC 8414), which is what the broker checks; set it when the metadata is unreachable.
    /// </summary>
    public Uri? TokenEndpoint { get; init; }
}
