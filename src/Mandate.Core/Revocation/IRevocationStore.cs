namespace Mandate.Core.Revocation;

/// <summary>
/// Revocations' reads. A <see cref="Revocation"/> in a committed batch is inserted; one with an existing id
/// changes nothing, except that an unlifted one may be lifted (with its new retention) once.
/// </summary>
public interface IRevocationStore
{
    /// <summary>Revocations whose <see cref="Revocation.KeepUntil"/> is after <paramref name="now"/>.</summary>
    Task<IReadOnlyList<Revocation>> ListRevocationsAsync(DateTimeOffset now, CancellationToken cancellationToken);
}
