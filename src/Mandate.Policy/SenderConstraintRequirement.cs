namespace Mandate.Policy;

/// <summary>A rule's <c>sender_constraint:</c> how a credential for its tools must be bound to its holder.</summary>
public enum SenderConstraintRequirement
{
    /// <summary>No requirement: bearer credentials are fine.</summary>
    None,

    /// <summary><c>mtls</c>: the request came over mutual TLS with an X.509-SVID and the credential carries cnf.x5t#S256.</summary>
    Mtls,

    /// <summary><c>dpop</c>: the request carried a valid DPoP proof and the credential carries cnf.jkt.</summary>
    Dpop,

    /// <summary><c>any</c>: either of the two.</summary>
    Any,
}
