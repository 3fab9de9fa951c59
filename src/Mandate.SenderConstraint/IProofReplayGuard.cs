namespace Mandate.SenderConstraint;

/// <summary>
/// Where a proof's <c>jti</c> is remembered so each proof is used once (RFC 9449 §11.1). One node keeps it in
/// memory (<see cref="DpopReplayCache"/>); nodes sharing a store record it there, so a proof replayed on another
/// node is refused too. An implementation that cannot tell (its store is down) throws rather than say
/// <see cref="ReplayCacheOutcome.Added"/>.
/// </summary>
public interface IProofReplayGuard
{
    /// <summary>Records <paramref name="key"/> until <paramref name="expiresAt"/>, unless it is still live.</summary>
    ValueTask<ReplayCacheOutcome> TryAddAsync(string key, DateTimeOffset expiresAt, DateTimeOffset now, CancellationToken cancellationToken);
}
