namespace Mandate.Core.Revocation;

/// <summary>
/// Revocations' reads. A <see cref="Revocation"/> in a committed batch is inserted; one with an existing id
/// changes nothing, except that an unlifted one may be lifted (with its new retention) once.
/// </summary>
public interface IRevocationStore
{
    /// <summary>Revocations whose <see cref="Revocation.KeepUntil"/> is after <paramref name="now"/>.</summary>
    Task<IReadOnlyList<Revocation>> ListRevocationsAsync(DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Revocations recorded or lifted after change cursor <paramref name="after"/> (0: from the first), oldest change
    /// first, at most <paramref name="limit"/> (1..10,000); expired ones included. A revocation lifted after it was
    /// read comes again with a larger cursor. Lets every node follow revocations made through any other.
    /// </summary>
    Task<IReadOnlyList<RevocationChange>> ReadRevocationChangesAsync(long after, int limit, CancellationToken cancellationToken);
}
