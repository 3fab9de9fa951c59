namespace Mandate.Core.Keys;

/// <summary>
/// How the keys of one purpose live in the <see cref="KeyRing"/>: their algorithm, whose they are, when they
/// are replaced, how long a replaced key stays published, and where. One profile per purpose (<see cref="KeyProfiles"/>).
/// </summary>
public sealed record KeyProfile
{
    /// <summary>The purpose (the store's <c>purpose</c> column), one of <see cref="KeyPurposes"/>.</summary>
    public required string Purpose { get; init; }

    /// <summary>JOSE algorithm, which also fixes the key type: <c>ES256</c> (P-256) or <c>RS256</c> (RSA-2048; every cloud STS accepts it).</summary>
    public required string Algorithm { get; init; }

    /// <summary>The JWK <c>use</c> of the published key (<c>sig</c>, or <c>jwt-svid</c> in a SPIFFE bundle).</summary>
    public string Use { get; init; } = "sig";

    /// <summary>True when each broker node signs with its own key (all nodes' keys are published); false for one key the nodes share.</summary>
    public required bool PerNode { get; init; }

    /// <summary>Age at which a key is replaced (<c>keys.rotate_every</c>); a certified key is replaced by <see cref="KeyCertificateProfile.RenewBefore"/> instead.</summary>
    public required TimeSpan RotateEvery { get; init; }

    /// <summary>
    /// How long a new key is published before it signs (<c>keys.publish_ahead</c>), so that a verifier that cached the
    /// key set a moment before the rotation already holds it. Zero: a new key signs at once (a CA, whose bundle carries
    /// its successor by other means).
    /// </summary>
    public TimeSpan PublishAhead { get; init; }

    /// <summary>
    /// How long a replaced key stays published: the longest lifetime of what it signed (one more minute of slack
    /// is added). Null for a certified key, which stays published until its certificate expires.
    /// </summary>
    public TimeSpan? Overlap { get; init; }

    /// <summary>The document that publishes the public keys.</summary>
    public required KeyPublication Publication { get; init; }

    /// <summary>The certificate of each key, for a certificate authority; null for plain signing keys.</summary>
    public KeyCertificateProfile? Certificate { get; init; }

    /// <summary>Evidence every rotation record of this purpose carries besides purpose, kid and alg (e.g. the trust domain).</summary>
    public IReadOnlyDictionary<string, string> Evidence { get; init; } = new Dictionary<string, string>();

    /// <summary>True when the record of a purpose's first key says <c>created</c> rather than <c>rotated</c>.</summary>
    public bool RecordsCreation { get; init; }

    /// <summary>Prefixed to the RFC 7638 thumbprint to form the kid, so a key's purpose shows in a shared JWKS.</summary>
    public string KidPrefix { get; init; } = "";
}
