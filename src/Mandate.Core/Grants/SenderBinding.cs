using Mandate.Core.Attestation;
using Mandate.Policy;
using Mandate.SenderConstraint;

namespace Mandate.Core.Grants;

/// <summary>
/// What the transport proved about the caller of one token request: an X.509-SVID over mutual TLS
/// (authenticates the agent, RFC 8705 §2) and/or a DPoP proof (RFC 9449 §5). When both are present,
/// DPoP decides the binding (the token gets <c>cnf.jkt</c> and type DPoP) and mTLS still authenticates:
/// an application-level key is portable across connections and proxies, a TLS session is not.
/// </summary>
/// <param name="CertificateIdentity">The SPIFFE ID of a validated X.509-SVID client certificate, or null.</param>
/// <param name="CertificateThumbprint">Its <c>x5t#S256</c>, or null.</param>
/// <param name="DpopJkt">Thumbprint of the key of a validated DPoP proof, or null.</param>
public sealed record SenderBinding(WorkloadIdentity? CertificateIdentity, string? CertificateThumbprint, string? DpopJkt)
{
    /// <summary>A plain bearer request: no client certificate, no proof.</summary>
    public static SenderBinding None { get; } = new(null, null, null);

    /// <summary>
    /// The DPoP proof, checked but not yet remembered: the Attest stage records its jti (RFC 9449 §11.1) once the caller
    /// has proven who it is, so callers with no identity cannot fill the replay cache. Null without a proof.
    /// </summary>
    public DpopValidationResult? Proof { get; init; }

    /// <summary>How the issued credential will be bound.</summary>
    public SenderConstraintKind Kind =>
        DpopJkt is not null ? SenderConstraintKind.Dpop : CertificateThumbprint is not null ? SenderConstraintKind.Mtls : SenderConstraintKind.None;

    /// <summary>The <c>cnf</c> claim for the issued credential, or null for a bearer credential.</summary>
    public ConfirmationClaim? Confirmation =>
        DpopJkt is { } jkt ? ConfirmationClaim.ForDpopKey(jkt) : CertificateThumbprint is { } x5t ? new ConfirmationClaim(x5t, null) : null;

    /// <summary>
    /// What a later request must prove to stand for this one: <c>jkt:&lt;thumbprint&gt;</c>, the same DPoP key; <c>mtls</c>,
    /// an X.509-SVID of the same agent (the certificate itself rotates, hourly with the SPIFFE CA); null for bearer.
    /// </summary>
    public string? Holder => Kind switch
    {
        SenderConstraintKind.Dpop => "jkt:" + DpopJkt,
        SenderConstraintKind.Mtls => "mtls",
        _ => null,
    };

    /// <summary>RFC 9449 §5: <c>DPoP</c> for a DPoP-bound token, otherwise <c>Bearer</c> (RFC 8705 keeps Bearer).</summary>
    public string TokenType => Kind == SenderConstraintKind.Dpop ? ConfirmationNames.DpopTokenType : "Bearer";
}
