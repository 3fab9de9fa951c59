namespace Mandate.Policy;

/// <summary>How a request (and the credential issued to it) is bound to its sender.</summary>
public enum SenderConstraintKind
{
    /// <summary>A bearer request.</summary>
    None,

    /// <summary>Bound to the X.509-SVID client certificate (RFC 8705 <c>cnf.x5t#S256</c>).</summary>
    Mtls,

    /// <summary>Bound to a DPoP key (RFC 9449 <c>cnf.jkt</c>).</summary>
    Dpop,
}
